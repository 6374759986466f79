"""WeChat bindings: which customer an official account's follower (openid) is."""
