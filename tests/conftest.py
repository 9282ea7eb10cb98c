import os

# Qt runs headless in tests; a test that needs a real window starts Xvfb itself.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
