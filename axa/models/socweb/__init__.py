"""Models of the `socweb` subsystem (own database, own migrations)."""
from axa.models.base import make_db

db = make_db()

from axa.models.socweb.users import User  # noqa: E402, I001
from axa.models.socweb.profiles import Profile  # noqa: E402
from axa.models.socweb.subscriptions import Subscription  # noqa: E402
from axa.models.socweb.posts import Post, PostEdit, PostTag  # noqa: E402
from axa.models.socweb.comments import Comment  # noqa: E402
from axa.models.socweb.reactions import Favorite, Like  # noqa: E402
from axa.models.socweb.outbox import OutboxEntry  # noqa: E402
from axa.models.socweb.blocks import Block, Mute, Report  # noqa: E402
from axa.models.socweb.media import Media  # noqa: E402
from axa.models.socweb.notifications import Notification, NotificationMarker  # noqa: E402
from axa.models.socweb.notify_mail import (  # noqa: E402
    NotificationDigest,
    NotificationMail,
    NotificationPreference,
)
from axa.models.socweb.digests import DigestDispatch, NotificationSetting  # noqa: E402

__all__ = ["Block", "Comment", "DigestDispatch", "Favorite", "Like", "Media", "Mute", "Notification",
           "NotificationDigest", "NotificationMail", "NotificationMarker", "NotificationPreference",
           "NotificationSetting", "OutboxEntry", "Post", "PostEdit", "PostTag", "Profile", "Report",
           "Subscription", "User", "db"]
