import Mailroom
