"""Models of the `stream` subsystem (own database, own migrations)."""
from axa.models.base import make_db

db = make_db()

from axa.models.stream import golive  # noqa: E402
from axa.models.stream.channels import Channel  # noqa: E402
from axa.models.stream.golive import GoLiveFanout, SentMail  # noqa: E402
from axa.models.stream.keys import StreamKey  # noqa: E402
from axa.models.stream.live import LiveSession  # noqa: E402
from axa.models.stream.notifications import Inbox, Notification  # noqa: E402
from axa.models.stream.subscriptions import Subscription  # noqa: E402
from axa.models.stream.users import User  # noqa: E402
from axa.models.stream.vods import ChannelRecording, Vod  # noqa: E402

__all__ = ["Channel", "ChannelRecording", "GoLiveFanout", "Inbox", "LiveSession", "Notification", "SentMail",
           "StreamKey", "Subscription", "User", "Vod", "db", "golive"]
