from backend.accounts.selectors import user_list_for, user_placeable
from tests.conftest import World
from tests.factories import UserFactory


def test_team_manager_sees_self_own_pool_secretaries_and_non_staff(world: World) -> None:
    newcomer = UserFactory(email="newcomer@example.org")
    seen = set(user_list_for(user=world.manager).values_list("email", flat=True))
    assert seen == {
        "manager@example.org",
        "secretary@example.org",
        "approver@example.org",
        "other.approver@example.org",
        "newcomer@example.org",
    }
    assert newcomer.email in seen


def test_finance_and_director_see_everyone(world: World) -> None:
    from backend.accounts.models import User

    everyone = set(User.objects.values_list("pk", flat=True))
    assert set(user_list_for(user=world.finance).values_list("pk", flat=True)) == everyone
    assert set(user_list_for(user=world.director).values_list("pk", flat=True)) == everyone


def test_secretary_and_approver_see_no_users(world: World) -> None:
    assert not user_list_for(user=world.secretary.user).exists()
    assert not user_list_for(user=world.approver).exists()


def test_only_users_without_profile_or_staff_role_can_become_secretaries(world: World) -> None:
    newcomer = UserFactory(email="newcomer@example.org")
    UserFactory(email="gone@example.org", is_active=False)
    assert set(user_placeable().values_list("email", flat=True)) == {
        newcomer.email,
        "approver@example.org",
        "other.approver@example.org",
    }
