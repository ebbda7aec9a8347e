from marshmallow import Schema, fields


class ReplicaUserSchema(Schema):
    id = fields.Integer()
    email = fields.String()
    display_name = fields.String()
    status = fields.String()
    version = fields.Integer()
    synced_at = fields.DateTime()
