"""Registration jobs: review steps and attachment fetches due on the simulator clock.

Revision ID: 0008
Revises: 0007
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "registration_jobs",
        sa.Column("key", sa.String(128), primary_key=True),
        sa.Column("account", sa.String(12), nullable=False),
        sa.Column("region", sa.String(32), nullable=False),
        sa.Column("due_at", sa.Float, nullable=False),
    )
    op.create_index("registration_jobs_due", "registration_jobs", ["due_at"])


def downgrade() -> None:
    op.drop_table("registration_jobs")
