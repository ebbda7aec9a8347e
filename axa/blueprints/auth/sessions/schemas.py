from marshmallow import Schema, fields


class SessionSchema(Schema):
    handle = fields.String(metadata={"description": "Public handle; never the secret id"})
    created = fields.DateTime()
    last_seen = fields.DateTime()
    ip = fields.String()
    user_agent = fields.String()
    current = fields.Boolean()
