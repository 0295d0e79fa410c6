"""autograder.feedback: pages that can run nothing."""

from autograder.feedback import CSP, lock_down


def test_pages_lose_their_scripts_and_get_a_strict_policy_first():
    page = '<html><HEAD><title>t</title><script src="x.js"></script><SCRIPT>\nalert(1)\n</SCRIPT ></head><body>ok</body></html>'
    locked = lock_down(page)
    assert "script" not in locked.lower()
    assert locked.startswith(f'<html><HEAD><meta http-equiv="Content-Security-Policy" content="{CSP}">')
    assert "default-src 'none'" in CSP and "script-src" not in CSP
