"""Custom actions served by `rasa run actions` (port 5055).

The action server imports this package before it registers the actions in it: that is
where each action is set to run in a worker thread (threaded_executor.py).
"""

from actions import threaded_executor

threaded_executor.install()
