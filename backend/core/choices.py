from django.db import models


class Language(models.TextChoices):
    NL = "nl", "Nederlands"
    EN = "en", "English"
