"""Every outgoing connection: the public-address guard, image checks and WebSub pings."""
