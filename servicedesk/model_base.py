"""The one declarative Base every model of the desk (shop, service, knowledge) derives from.

One Base means one metadata: `create_all` and `db.upgrade` see every table, and a
relationship named by a string ("Customer") resolves across the subpackages.
"""

from __future__ import annotations

from sqlalchemy.orm import declarative_base

Base = declarative_base()
