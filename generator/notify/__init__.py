"""`statuspress notify`: send each newly published update once to every configured channel.

`config` reads the `notify:` option, `live` works out what is new, `message` builds one notice
per update from the model, `payloads` shapes it for each channel, `delivery` sends it.
"""
