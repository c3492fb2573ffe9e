-- The fleet API's tokens: a driver token is bound to one device (and goes with it), and a short clear prefix of
-- each token lets a person name it (list, revoke) without the secret, of which only the hash is kept.
ALTER TABLE api_tokens DROP CONSTRAINT api_tokens_role_check;
ALTER TABLE api_tokens ADD CONSTRAINT api_tokens_role_check CHECK (role IN ('admin', 'viewer', 'driver'));
ALTER TABLE api_tokens ADD COLUMN imei bigint REFERENCES devices (imei) ON DELETE CASCADE;
ALTER TABLE api_tokens ADD CONSTRAINT api_tokens_driver_device CHECK ((role = 'driver') = (imei IS NOT NULL));
ALTER TABLE api_tokens ADD COLUMN token_prefix text;
CREATE INDEX api_tokens_tenant ON api_tokens (tenant_id);

-- A data subject's export includes the audit of the device: found by tenant and target, newest first.
CREATE INDEX audit_log_tenant_target ON audit_log (tenant_id, target, at DESC);
