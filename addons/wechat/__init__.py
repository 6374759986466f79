"""The WeChat official account (公众号) channel: see channel.py."""
