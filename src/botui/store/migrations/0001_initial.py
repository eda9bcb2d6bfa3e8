"""The first schema: reference records, backorders, the append-only event log, outbox, refunds."""

from botui.store import engine

STATEMENTS = [
    "CREATE TABLE business (id TEXT PRIMARY KEY NOT NULL, name TEXT NOT NULL)",
    "CREATE TABLE customer (id TEXT PRIMARY KEY NOT NULL, name TEXT NOT NULL,"
    " email TEXT, phone TEXT)",
    "CREATE TABLE product (id TEXT PRIMARY KEY NOT NULL, sku TEXT NOT NULL UNIQUE,"
    " name TEXT NOT NULL, stock_on_hand INTEGER NOT NULL DEFAULT 0 CHECK (stock_on_hand >= 0))",
    "CREATE TABLE orders (id TEXT PRIMARY KEY NOT NULL, number TEXT UNIQUE,"
    " customer_id TEXT NOT NULL REFERENCES customer (id),"
    " business_id TEXT NOT NULL REFERENCES business (id), placed_at INTEGER NOT NULL)",
    "CREATE INDEX orders_customer ON orders (customer_id)",
    """CREATE TABLE backorder (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        id TEXT NOT NULL UNIQUE,
        product_id TEXT NOT NULL REFERENCES product (id),
        business_id TEXT NOT NULL REFERENCES business (id),
        customer_id TEXT NOT NULL REFERENCES customer (id),
        order_id TEXT REFERENCES orders (id),
        quantity INTEGER NOT NULL CHECK (quantity >= 1),
        status TEXT NOT NULL,
        is_open INTEGER NOT NULL,
        price INTEGER NOT NULL CHECK (price >= 0),
        estimated_ship_date INTEGER,
        estimated_delivery_date INTEGER,
        actual_ship_date INTEGER,
        actual_delivery_date INTEGER,
        priority_level TEXT NOT NULL,
        priority_rank INTEGER NOT NULL,
        supplier_order TEXT,
        created_at INTEGER NOT NULL,
        cancelled_at INTEGER,
        updated_at INTEGER NOT NULL,
        metadata TEXT NOT NULL DEFAULT '{}',
        allocated_quantity INTEGER NOT NULL DEFAULT 0
            CHECK (allocated_quantity >= 0 AND allocated_quantity <= quantity),
        version INTEGER NOT NULL DEFAULT 1,
        noticed_ship_date INTEGER
    )""",
    "CREATE INDEX backorder_triage ON backorder (priority_rank, created_at, id)",
    "CREATE INDEX backorder_open_triage ON backorder (is_open, priority_rank, created_at, id)",
    "CREATE INDEX backorder_status_triage ON backorder (status, priority_rank, created_at, id)",
    "CREATE INDEX backorder_product_queue"
    " ON backorder (product_id, is_open, priority_rank, created_at, id)",
    "CREATE INDEX backorder_customer ON backorder (customer_id, priority_rank, created_at, id)",
    "CREATE INDEX backorder_business ON backorder (business_id, priority_rank, created_at, id)",
    "CREATE INDEX backorder_order ON backorder (order_id)",
    "CREATE INDEX backorder_open_ship ON backorder (is_open, estimated_ship_date, id)",
    "CREATE INDEX backorder_open_created ON backorder (is_open, created_at, id)",
    """CREATE TABLE event (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        type TEXT NOT NULL,
        backorder_id TEXT NOT NULL,
        at INTEGER NOT NULL,
        actor TEXT NOT NULL,
        data TEXT NOT NULL DEFAULT '{}'
    )""",
    "CREATE INDEX event_backorder ON event (backorder_id, id)",
    """CREATE TABLE notification (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        backorder_id TEXT NOT NULL,
        channel TEXT NOT NULL,
        recipient TEXT NOT NULL,
        subject TEXT,
        body TEXT NOT NULL,
        status TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        sent_at INTEGER,
        actor TEXT NOT NULL
    )""",
    "CREATE INDEX notification_status ON notification (status, id)",
    "CREATE INDEX notification_backorder ON notification (backorder_id, channel, created_at)",
    """CREATE TABLE refund (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        backorder_id TEXT NOT NULL,
        amount INTEGER NOT NULL,
        reason TEXT,
        at INTEGER NOT NULL,
        actor TEXT NOT NULL
    )""",
    "CREATE INDEX refund_backorder ON refund (backorder_id)",
    """CREATE TABLE receipt (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        receipt TEXT UNIQUE,
        product_id TEXT NOT NULL REFERENCES product (id),
        quantity INTEGER NOT NULL,
        supplier_order TEXT,
        at INTEGER NOT NULL,
        actor TEXT NOT NULL
    )""",
    "CREATE TABLE counter (name TEXT PRIMARY KEY NOT NULL, value INTEGER NOT NULL)",
]


# The log is append-only on both engines; PostgreSQL refuses TRUNCATE too. Both refuse as an
# integrity error (SQLite's ABORT is SQLITE_CONSTRAINT; PostgreSQL's restrict_violation, 23001).
SQLITE_TRIGGERS = [
    "CREATE TRIGGER event_no_update BEFORE UPDATE ON event"
    " BEGIN SELECT RAISE(ABORT, 'events are append-only'); END",
    "CREATE TRIGGER event_no_delete BEFORE DELETE ON event"
    " BEGIN SELECT RAISE(ABORT, 'events are append-only'); END",
]
POSTGRES_TRIGGERS = [
    "CREATE FUNCTION event_append_only() RETURNS trigger LANGUAGE plpgsql AS"
    " $$ BEGIN RAISE EXCEPTION 'events are append-only' USING ERRCODE = 'restrict_violation';"
    " END $$",
    "CREATE TRIGGER event_no_change BEFORE UPDATE OR DELETE ON event"
    " FOR EACH ROW EXECUTE FUNCTION event_append_only()",
    "CREATE TRIGGER event_no_truncate BEFORE TRUNCATE ON event"
    " FOR EACH STATEMENT EXECUTE FUNCTION event_append_only()",
]


def up(migrator, db):
    engine.run(db, STATEMENTS)
    engine.run(db, POSTGRES_TRIGGERS if engine.is_postgres(db) else SQLITE_TRIGGERS)
