"""The pieces behind ``wherry.api``, the public library surface; import that, not these.

request.py      the arguments of ``download()`` → an AddRequest, or InputError in one sentence
result.py       Result: what a finished download gives back
failure.py      a job that stopped → the DownloadError subclass that says why
progress.py     calling the caller's progress callback safely, with keyword arguments
target_lock.py  one download of a (URL, destination) at a time, across threads and processes
handle.py       DownloadHandle: one download inside a Downloader
downloader.py   Downloader: one engine and store for many downloads
"""

__all__: list[str] = []
