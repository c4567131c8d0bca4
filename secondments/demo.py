"""The demo logins, in one place: ``seed_demo`` creates them, ``demo_logins`` prints them."""

from dataclasses import dataclass

from backend.accounts.roles import Role

DEMO_PASSWORD = "demo-secondo-2026"  # noqa: S105 - a published demo password, never used outside the demo
DEMO_POOL_NAME = "Secretariaat Centraal"
DEMO_URLS = [
    ("web app and API", "http://127.0.0.1:8000/"),
    ("API documentation", "http://127.0.0.1:8000/api/docs/"),
    ("Django admin", "http://127.0.0.1:8000/admin/"),
]


@dataclass(frozen=True)
class DemoUser:
    email: str
    full_name: str
    role: Role | None  # None: the administrator (superuser, no business role)
    label: str
    try_first: str


DEMO_USERS: list[DemoUser] = [
    DemoUser(
        email="manager@secondo.demo",
        full_name="Marloes Verhoeven",
        role=Role.TEAM_MANAGER,
        label="team manager",
        try_first=(
            "GET /api/v1/pools/{id}/capacity/ (pool board), "
            "GET /api/v1/availability/?start=...&end=...&hours_per_week=8, POST /api/v1/placements/"
        ),
    ),
    DemoUser(
        email="secretary@secondo.demo",
        full_name="Anouk de Vries",
        role=Role.SECRETARY,
        label="secretary",
        try_first="GET /api/v1/placements/ (own placements, no rates)",
    ),
    DemoUser(
        email="approver@secondo.demo",
        full_name="Jeroen van Dijk",
        role=Role.CLIENT_APPROVER,
        label="client approver",
        try_first="GET /api/v1/approval-inbox/, GET /api/v1/invoices/ (their clients' invoices, PDFs)",
    ),
    DemoUser(
        email="finance@secondo.demo",
        full_name="Hanneke Koster",
        role=Role.FINANCE,
        label="finance",
        try_first="GET /api/v1/invoices/?status=draft, POST /api/v1/invoices/finalize/, POST /api/v1/invoice-runs/",
    ),
    DemoUser(
        email="director@secondo.demo",
        full_name="Willem de Jong",
        role=Role.DIRECTOR,
        label="director",
        try_first="read-only everywhere, GET /api/v1/audit-events/",
    ),
    DemoUser(
        email="admin@secondo.demo",
        full_name="Secondo Beheer",
        role=None,
        label="administrator (superuser)",
        try_first="/admin/",
    ),
]


def demo_user(role: Role | None) -> DemoUser:
    """The demo login of ``role`` (None: the administrator)."""
    return next(u for u in DEMO_USERS if u.role == role)
