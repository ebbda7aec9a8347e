"""The auth server's REST API as other subsystems call it (socweb's Conduit face: register, log in)."""
