-- Written by `python -m smsvoice.store.schema` from store/schema.py; do not edit.

CREATE TABLE destination_pauses (
	target_arn VARCHAR(2048) NOT NULL, 
	destination_kind VARCHAR(16) NOT NULL, 
	reason TEXT NOT NULL, 
	failures INTEGER NOT NULL, 
	paused_at FLOAT NOT NULL, 
	retry_at FLOAT NOT NULL, 
	probe_by VARCHAR(64), 
	probe_until FLOAT, 
	PRIMARY KEY (target_arn)
);

CREATE TABLE eventbridge_events (
	id INTEGER NOT NULL, 
	account VARCHAR(12) NOT NULL, 
	region VARCHAR(32) NOT NULL, 
	subject VARCHAR(256) NOT NULL, 
	detail_type VARCHAR(64) NOT NULL, 
	created_at FLOAT NOT NULL, 
	envelope TEXT NOT NULL, 
	outbox_id INTEGER, 
	PRIMARY KEY (id)
);

CREATE INDEX eventbridge_by_account ON eventbridge_events (account, region, id);

CREATE INDEX eventbridge_by_subject ON eventbridge_events (subject, id);

CREATE TABLE idempotency (
	account VARCHAR(12) NOT NULL, 
	region VARCHAR(32) NOT NULL, 
	operation VARCHAR(64) NOT NULL, 
	token VARCHAR(64) NOT NULL, 
	fingerprint VARCHAR(64) NOT NULL, 
	response TEXT NOT NULL, 
	created_at FLOAT NOT NULL, 
	PRIMARY KEY (account, region, operation, token)
)
 WITHOUT ROWID;

CREATE TABLE inbound_messages (
	id VARCHAR(64) NOT NULL, 
	account VARCHAR(12) NOT NULL, 
	region VARCHAR(32) NOT NULL, 
	handset VARCHAR(32) NOT NULL, 
	number VARCHAR(32) NOT NULL, 
	received_at FLOAT NOT NULL, 
	doc TEXT NOT NULL, 
	PRIMARY KEY (id)
);

CREATE INDEX inbound_by_account ON inbound_messages (account, region, received_at);

CREATE INDEX inbound_by_conversation ON inbound_messages (number, handset, received_at);

CREATE INDEX inbound_by_time ON inbound_messages (received_at);

CREATE TABLE message_events (
	id INTEGER NOT NULL, 
	message_id VARCHAR(64) NOT NULL, 
	event_type VARCHAR(64) NOT NULL, 
	created_at FLOAT NOT NULL, 
	record TEXT NOT NULL, 
	PRIMARY KEY (id)
);

CREATE INDEX message_events_by_message ON message_events (message_id, id);

CREATE TABLE messages (
	id VARCHAR(64) NOT NULL, 
	account VARCHAR(12) NOT NULL, 
	region VARCHAR(32) NOT NULL, 
	api VARCHAR(8) NOT NULL, 
	channel VARCHAR(8) NOT NULL, 
	destination VARCHAR(32) NOT NULL, 
	status VARCHAR(32) NOT NULL, 
	created_at FLOAT NOT NULL, 
	updated_at FLOAT NOT NULL, 
	doc TEXT NOT NULL, 
	PRIMARY KEY (id)
);

CREATE INDEX messages_by_account ON messages (account, region, created_at);

CREATE INDEX messages_by_age ON messages (created_at);

CREATE TABLE outbox (
	id INTEGER NOT NULL, 
	account VARCHAR(12) NOT NULL, 
	region VARCHAR(32) NOT NULL, 
	message_id VARCHAR(64) NOT NULL, 
	event_id INTEGER NOT NULL, 
	event_type VARCHAR(64) NOT NULL, 
	configuration_set VARCHAR(256) NOT NULL, 
	destination_name VARCHAR(64) NOT NULL, 
	destination_kind VARCHAR(16) NOT NULL, 
	target_arn VARCHAR(2048) NOT NULL, 
	iam_role_arn VARCHAR(2048), 
	record TEXT NOT NULL, 
	status VARCHAR(16) NOT NULL, 
	attempts INTEGER NOT NULL, 
	next_attempt_at FLOAT NOT NULL, 
	claimed_until FLOAT, 
	claimed_by VARCHAR(64), 
	last_error TEXT, 
	created_at FLOAT NOT NULL, 
	delivered_at FLOAT, 
	PRIMARY KEY (id)
);

CREATE INDEX outbox_by_message ON outbox (message_id);

CREATE INDEX outbox_by_target ON outbox (target_arn, status, next_attempt_at);

CREATE INDEX outbox_due ON outbox (status, next_attempt_at);

CREATE TABLE registration_jobs (
	"key" VARCHAR(128) NOT NULL, 
	account VARCHAR(12) NOT NULL, 
	region VARCHAR(32) NOT NULL, 
	due_at FLOAT NOT NULL, 
	PRIMARY KEY ("key")
);

CREATE INDEX registration_jobs_due ON registration_jobs (due_at);

CREATE TABLE request_rates (
	"key" VARCHAR(256) NOT NULL, 
	tokens FLOAT NOT NULL, 
	updated_at FLOAT NOT NULL, 
	PRIMARY KEY ("key")
)
 WITHOUT ROWID;

CREATE TABLE resource_counts (
	account VARCHAR(12) NOT NULL, 
	region VARCHAR(32) NOT NULL, 
	kind VARCHAR(64) NOT NULL, 
	count INTEGER NOT NULL, 
	PRIMARY KEY (account, region, kind)
)
 WITHOUT ROWID;

CREATE TABLE resources (
	account VARCHAR(12) NOT NULL, 
	region VARCHAR(32) NOT NULL, 
	kind VARCHAR(64) NOT NULL, 
	"key" VARCHAR(512) NOT NULL, 
	parent VARCHAR(512), 
	created_at FLOAT NOT NULL, 
	doc TEXT NOT NULL, 
	version INTEGER DEFAULT '1' NOT NULL, 
	PRIMARY KEY (account, region, kind, "key")
)
 WITHOUT ROWID;

CREATE INDEX resources_by_parent ON resources (account, region, kind, parent);

CREATE TABLE scheduled_transitions (
	message_id VARCHAR(64) NOT NULL, 
	due_at FLOAT NOT NULL, 
	PRIMARY KEY (message_id)
);

CREATE INDEX scheduled_transitions_due ON scheduled_transitions (due_at);

CREATE TABLE spend_totals (
	account VARCHAR(12) NOT NULL, 
	region VARCHAR(32) NOT NULL, 
	channel VARCHAR(8) NOT NULL, 
	month VARCHAR(7) NOT NULL, 
	shard INTEGER NOT NULL, 
	total FLOAT NOT NULL, 
	PRIMARY KEY (account, region, channel, month, shard)
)
 WITHOUT ROWID;

CREATE TABLE store_meta (
	name VARCHAR(64) NOT NULL, 
	value TEXT NOT NULL, 
	PRIMARY KEY (name)
);

CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL PRIMARY KEY);

