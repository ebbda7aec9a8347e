"""Models of the `stream` subsystem (own database, own migrations)."""
from axa.models.base import make_db

db = make_db()

from axa.models.stream import golive  # noqa: E402
from axa.models.stream.audience import SessionViewers, WatchHistory  # noqa: E402
from axa.models.stream.channels import Channel  # noqa: E402
from axa.models.stream.chat import ChatDeletion, ChatMessage  # noqa: E402
from axa.models.stream.chat_moderation import ChatAudit, ChatBan, ChatModerator, ChatRules  # noqa: E402
from axa.models.stream.golive import GoLiveFanout, SentMail  # noqa: E402
from axa.models.stream.keys import StreamKey  # noqa: E402
from axa.models.stream.live import LiveSession  # noqa: E402
from axa.models.stream.notifications import Inbox, Notification  # noqa: E402
from axa.models.stream.recommendations import Recommendation  # noqa: E402
from axa.models.stream.subscriptions import Subscription  # noqa: E402
from axa.models.stream.users import User  # noqa: E402
from axa.models.stream.vods import ChannelRecording, Vod  # noqa: E402

__all__ = ["Channel", "ChannelRecording", "ChatAudit", "ChatBan", "ChatDeletion", "ChatMessage",
           "ChatModerator", "ChatRules", "GoLiveFanout", "Inbox", "LiveSession", "Notification",
           "Recommendation", "SentMail", "SessionViewers", "StreamKey", "Subscription", "User", "Vod",
           "WatchHistory", "db", "golive"]
