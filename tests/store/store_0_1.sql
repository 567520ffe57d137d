-- A store written by smsvoice 0.1 (commit cb41515, before migrations): one configuration set with
-- an SNS destination, a toll-free number, and one text message with its records and outbox row.
BEGIN TRANSACTION;
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
 WITHOUT ROWID

;
INSERT INTO "idempotency" VALUES('111122223333','us-east-1','CreateConfigurationSet','36bf3e79-9a57-4798-a954-11e9e7fa8ab0','e9830ef65931fb772ebe9e8b258a92519bddc2cfa3b0a278b6e7bbe970b872cd','{"ConfigurationSetArn":"arn:aws:sms-voice:us-east-1:111122223333:configuration-set/from-0-1","ConfigurationSetName":"from-0-1","Tags":[],"CreatedTimestamp":1796133735.417633}',1.79613373541773080821e+09);
INSERT INTO "idempotency" VALUES('111122223333','us-east-1','CreateEventDestination','932c476f-cce2-4cf1-b621-cb1f3ff4de4e','5e9bb52999870e05c69e78df478790eb4537936158a43ec9e0e8ad337c353436','{"ConfigurationSetArn":"arn:aws:sms-voice:us-east-1:111122223333:configuration-set/from-0-1","ConfigurationSetName":"from-0-1","EventDestination":{"EventDestinationName":"sns","Enabled":true,"MatchingEventTypes":["TEXT_ALL"],"SnsDestination":{"TopicArn":"arn:aws:sns:us-east-1:111122223333:t"}}}',1.79613373542233872416e+09);
INSERT INTO "idempotency" VALUES('111122223333','us-east-1','RequestPhoneNumber','3148cff9-f357-4d7d-8b13-b7c9502abd59','22e46f604e3cd1c7e2d91edd2bd7ec3ebbc450c5e4e995880c53dc032538dd64','{"PhoneNumberArn":"arn:aws:sms-voice:us-east-1:111122223333:phone-number/phone-9749567170354d1cbd7b56ec3fed3fef","PhoneNumberId":"phone-9749567170354d1cbd7b56ec3fed3fef","PhoneNumber":"+18004091135","Status":"PENDING","IsoCountryCode":"US","MessageType":"TRANSACTIONAL","NumberCapabilities":["SMS"],"NumberType":"TOLL_FREE","MonthlyLeasingPrice":"2.00","TwoWayEnabled":false,"SelfManagedOptOutsEnabled":false,"OptOutListName":"Default","InternationalSendingEnabled":false,"DeletionProtectionEnabled":false,"Tags":[],"CreatedTimestamp":1796133735.4257057}',1.79613373542582941051e+09);
CREATE TABLE message_events (
	id INTEGER NOT NULL, 
	message_id VARCHAR(64) NOT NULL, 
	event_type VARCHAR(64) NOT NULL, 
	created_at FLOAT NOT NULL, 
	record TEXT NOT NULL, 
	PRIMARY KEY (id)
);
INSERT INTO "message_events" VALUES(1,'232d7d6c-dc17-4b2e-bf11-246258ac562b','TEXT_SUCCESSFUL',1796133735.44754,'{"eventType":"TEXT_SUCCESSFUL","eventVersion":"1.0","eventTimestamp":1796133735448,"isFinal":true,"originationPhoneNumber":"+18004091135","destinationPhoneNumber":"+12065550142","isoCountryCode":"US","isInternationalSend":false,"mcc":"310","messageId":"232d7d6c-dc17-4b2e-bf11-246258ac562b","messageRequestTimestamp":1796133735448,"messageEncoding":"GSM","messageType":"TRANSACTIONAL","messageStatus":"SUCCESSFUL","messageStatusDescription":"Message has been accepted by phone carrier","totalMessageParts":1,"totalMessagePrice":0.00581,"totalCarrierFee":0.0025}');
CREATE TABLE message_spend (
	account VARCHAR(12) NOT NULL, 
	region VARCHAR(32) NOT NULL, 
	channel VARCHAR(8) NOT NULL, 
	month VARCHAR(7) NOT NULL, 
	total FLOAT NOT NULL, 
	PRIMARY KEY (account, region, channel, month)
);
INSERT INTO "message_spend" VALUES('111122223333','us-east-1','TEXT','2026-12',0.00831);
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
INSERT INTO "messages" VALUES('232d7d6c-dc17-4b2e-bf11-246258ac562b','111122223333','us-east-1','v2','TEXT','+12065550142','SUCCESSFUL',1796133735.44754,1796133735.44754,'{"message_id":"232d7d6c-dc17-4b2e-bf11-246258ac562b","account":"111122223333","region":"us-east-1","api":"v2","operation":"SendTextMessage","channel":"TEXT","destination":"+12065550142","requested_at":1796133735.44754,"origination":"+18004091135","origination_identity":{"kind":"PHONE_NUMBER","identity":"+18004091135","arn":"arn:aws:sms-voice:us-east-1:111122223333:phone-number/phone-9749567170354d1cbd7b56ec3fed3fef","member_arn":"arn:aws:sms-voice:us-east-1:111122223333:phone-number/phone-9749567170354d1cbd7b56ec3fed3fef","number_type":"TOLL_FREE","iso_country_code":"US","opt_out_list_name":"Default"},"configuration_set":"from-0-1","message_type":"TRANSACTIONAL","body":"before the upgrade","encoding":"GSM","parts":1,"price":{"message_price":0.00581,"carrier_fee":0.0025},"iso_country_code":"US","is_international_send":false,"mcc":"310","mnc":null,"carrier_name":null,"context":null,"time_to_live":259200,"protect_configuration_id":null,"feedback_enabled":false,"feedback_status":null,"feedback_updated_at":null,"details":{},"status":"SUCCESSFUL","updated_at":1796133735.44754,"plan":{"steps":[],"manual":false,"step_seconds":0.0,"outcome":"SUCCESSFUL","rule":"default"}}');
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
INSERT INTO "outbox" VALUES(1,'111122223333','us-east-1','232d7d6c-dc17-4b2e-bf11-246258ac562b',1,'TEXT_SUCCESSFUL','from-0-1','sns','SNS','arn:aws:sns:us-east-1:111122223333:t',NULL,'{"eventType":"TEXT_SUCCESSFUL","eventVersion":"1.0","eventTimestamp":1796133735448,"isFinal":true,"originationPhoneNumber":"+18004091135","destinationPhoneNumber":"+12065550142","isoCountryCode":"US","isInternationalSend":false,"mcc":"310","messageId":"232d7d6c-dc17-4b2e-bf11-246258ac562b","messageRequestTimestamp":1796133735448,"messageEncoding":"GSM","messageType":"TRANSACTIONAL","messageStatus":"SUCCESSFUL","messageStatusDescription":"Message has been accepted by phone carrier","totalMessageParts":1,"totalMessagePrice":0.00581,"totalCarrierFee":0.0025}','PENDING',1,1.79613373623431229588e+09,NULL,NULL,'SNS Publish: no usable AWS credentials: Unable to locate credentials',1.79613373544771957402e+09,NULL);
CREATE TABLE resource_counts (
	account VARCHAR(12) NOT NULL, 
	region VARCHAR(32) NOT NULL, 
	kind VARCHAR(64) NOT NULL, 
	count INTEGER NOT NULL, 
	PRIMARY KEY (account, region, kind)
)
 WITHOUT ROWID

;
INSERT INTO "resource_counts" VALUES('111122223333','us-east-1','v2/configuration-set',1);
INSERT INTO "resource_counts" VALUES('111122223333','us-east-1','v2/opt-out-list',1);
INSERT INTO "resource_counts" VALUES('111122223333','us-east-1','v2/phone-number',1);
INSERT INTO "resource_counts" VALUES('111122223333','us-east-1','v2/phone-number-by-e164',1);
CREATE TABLE resources (
	account VARCHAR(12) NOT NULL, 
	region VARCHAR(32) NOT NULL, 
	kind VARCHAR(64) NOT NULL, 
	"key" VARCHAR(512) NOT NULL, 
	parent VARCHAR(512), 
	created_at FLOAT NOT NULL, 
	doc TEXT NOT NULL, 
	PRIMARY KEY (account, region, kind, "key")
)
 WITHOUT ROWID

;
INSERT INTO "resources" VALUES('111122223333','us-east-1','v2/configuration-set','from-0-1',NULL,1.79613373541763639449e+09,'{"ConfigurationSetArn":"arn:aws:sms-voice:us-east-1:111122223333:configuration-set/from-0-1","ConfigurationSetName":"from-0-1","EventDestinations":[{"EventDestinationName":"sns","Enabled":true,"MatchingEventTypes":["TEXT_ALL"],"SnsDestination":{"TopicArn":"arn:aws:sns:us-east-1:111122223333:t"}}],"DefaultMessageFeedbackEnabled":false,"CreatedTimestamp":1796133735.417633}');
INSERT INTO "resources" VALUES('111122223333','us-east-1','v2/opt-out-list','Default',NULL,1.79613373542489933969e+09,'{"OptOutListArn":"arn:aws:sms-voice:us-east-1:111122223333:opt-out-list/Default","OptOutListName":"Default","CreatedTimestamp":1796133735.424897}');
INSERT INTO "resources" VALUES('111122223333','us-east-1','v2/phone-number','phone-9749567170354d1cbd7b56ec3fed3fef',NULL,1796133735.42571,'{"PhoneNumberArn":"arn:aws:sms-voice:us-east-1:111122223333:phone-number/phone-9749567170354d1cbd7b56ec3fed3fef","PhoneNumberId":"phone-9749567170354d1cbd7b56ec3fed3fef","PhoneNumber":"+18004091135","Status":"ACTIVE","IsoCountryCode":"US","MessageType":"TRANSACTIONAL","NumberCapabilities":["SMS"],"NumberType":"TOLL_FREE","MonthlyLeasingPrice":"2.00","TwoWayEnabled":false,"SelfManagedOptOutsEnabled":false,"OptOutListName":"Default","InternationalSendingEnabled":false,"DeletionProtectionEnabled":false,"CreatedTimestamp":1796133735.4257057}');
INSERT INTO "resources" VALUES('111122223333','us-east-1','v2/phone-number-by-e164','+18004091135',NULL,1.79613373542572975164e+09,'{"PhoneNumberId":"phone-9749567170354d1cbd7b56ec3fed3fef"}');
CREATE TABLE scheduled_transitions (
	message_id VARCHAR(64) NOT NULL, 
	due_at FLOAT NOT NULL, 
	PRIMARY KEY (message_id)
);
CREATE TABLE store_meta (
	name VARCHAR(64) NOT NULL, 
	value TEXT NOT NULL, 
	PRIMARY KEY (name)
);
INSERT INTO "store_meta" VALUES('schema_version','1');
CREATE INDEX resources_by_parent ON resources (account, region, kind, parent);
CREATE INDEX messages_by_account ON messages (account, region, created_at);
CREATE INDEX message_events_by_message ON message_events (message_id, id);
CREATE INDEX scheduled_transitions_due ON scheduled_transitions (due_at);
CREATE INDEX outbox_by_message ON outbox (message_id);
CREATE INDEX outbox_due ON outbox (status, next_attempt_at);
COMMIT;
