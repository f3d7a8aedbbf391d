"""Replacing a file in one step, for every script of the project that writes one.

A lesson, a record or a chart that a script rewrites may be open in a learner's editor or
half-read by another tool. Each script therefore writes a temporary file beside the target and
renames it over the target only once it is complete: a reader sees the old file or the new one,
never half of one, and a script killed mid-write leaves the old file as it was. The C++ side does
the same in common/core/atomic_file.hpp.

What it does not do: flush the new file to the disk before the rename (a power cut may still
lose it), keep the old file's owner, or write through a symbolic link (the link itself is
replaced by the file). The permissions are kept.
"""
import contextlib
import os
import pathlib
import tempfile


def _current_umask() -> int:
    """The process's umask. Reading it means setting it, so this is done once, on import."""
    umask = os.umask(0o022)
    os.umask(umask)
    return umask


_UMASK = _current_umask()


def _mode_for(path: pathlib.Path) -> int:
    """The permissions the new file keeps: the old file's, or what the umask gives a new file."""
    try:
        return path.stat().st_mode & 0o7777
    except FileNotFoundError:
        return 0o666 & ~_UMASK


@contextlib.contextmanager
def replacing(path, binary=False):
    """A file to write; on a clean exit of the `with` block it takes `path`'s place in one rename.

    If the block raises, `path` is left untouched and the temporary file is removed. Text is
    written as UTF-8.
    """
    path = pathlib.Path(path)
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(descriptor, "wb" if binary else "w", **({} if binary else {"encoding": "utf-8"})) as handle:
            yield handle
        os.chmod(temporary, _mode_for(path))
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise


def write_atomically(path, data):
    """Writes `data` (str or bytes) to `path` through `replacing`."""
    with replacing(path, binary=isinstance(data, bytes)) as handle:
        handle.write(data)


def save_figure_atomically(figure, path, **savefig_options):
    """Saves a matplotlib figure to `path` (its format from the suffix) through `replacing`."""
    path = pathlib.Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with replacing(path, binary=True) as handle:
        figure.savefig(handle, format=path.suffix.lstrip("."), **savefig_options)
