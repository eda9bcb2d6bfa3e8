"""PostgreSQL: `botui_fold` written again, the same fold ~10 to 50 times faster a text.

The first one (0005) was one SQL expression: every text not of ASCII alone went through a
`translate` comparing each character with 1,426 others, then 104 nested `replace` calls, ~250 us
a backorder's text on every insert, rename and copy. Now ASCII letters fold by `lower` and the
two long steps run only when a character of theirs is there (store.folding.postgres_function).
Nothing is indexed by the function itself: the texts it wrote are the same, none is rewritten.
"""

from botui.store import engine
from botui.store.folding import postgres_function


def up(migrator, db):
    if engine.is_postgres(db):
        db.execute_sql(postgres_function())
