"""Installing from the lock: the synchronizer's locked choice, the preflight fetch, this machine's view of the lock."""
