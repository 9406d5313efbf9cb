"""What the PyTorch contender computes on, and its thread count set honestly.

Debian's python3-torch is built with BLAS_INFO=generic: it calls whatever `libblas.so.3` the
alternatives system points at, the reference BLAS (libblas3) or OpenBLAS
(libopenblas0-pthread). Which one ran shows only in the shared objects the process mapped, so
`describe()` reports those lines of /proc/self/maps, torch's build settings, and, where an
OpenBLAS is loaded, what it says of itself (`openblas_get_config`, `openblas_get_corename`).
The benchmark (src/pytorch.ts) decides from these what the contender runs on.
"""

import ctypes
import os

import torch

# The machine's OpenBLAS overrides; the benchmark tries the contender with and without them.
OPENBLAS_OVERRIDES = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")


def _loaded_libraries():
    """The lines of /proc/self/maps that name a BLAS or LAPACK shared object."""
    try:
        with open("/proc/self/maps") as handle:
            lines = handle.read().splitlines()
    except OSError:
        return []
    keys = ("blas", "lapack", "mkl", "blis", "atlas")
    return [line for line in lines if any(key in line.rsplit("/", 1)[-1].lower() for key in keys)]


def _openblas_libraries(paths):
    """Each loaded library that answers OpenBLAS's own queries, as (path, ctypes handle)."""
    found = []
    for path in paths:
        try:
            library = ctypes.CDLL(path)
            library.openblas_get_config.restype = ctypes.c_char_p
            library.openblas_get_corename.restype = ctypes.c_char_p
        except (OSError, AttributeError):
            continue
        found.append((path, library))
    return found


def _mapped_paths(lines):
    paths = []
    for line in lines:
        fields = line.split(maxsplit=5)
        if len(fields) == 6 and fields[5].startswith("/") and fields[5] not in paths:
            paths.append(fields[5])
    return paths


def set_threads(threads):
    """Torch's intra-op threads and, where OpenBLAS is loaded, OpenBLAS's own pool (which
    otherwise uses every core whatever torch.set_num_threads says)."""
    torch.set_num_threads(threads)
    for _, library in _openblas_libraries(_mapped_paths(_loaded_libraries())):
        library.openblas_set_num_threads(threads)


def describe():
    """What this process computes on, for the benchmark's table and JSON."""
    # One product first, so the BLAS is loaded and initialised.
    float((torch.ones(8, 8) @ torch.ones(8, 8)).sum())
    maps = _loaded_libraries()
    # Every OpenBLAS mapped, by path: liblapack.so.3 can be OpenBLAS while libblas.so.3, whose
    # sgemm torch calls, is the reference BLAS.
    openblas = [
        {
            "path": path,
            "config": library.openblas_get_config().decode(),
            "corename": library.openblas_get_corename().decode(),
            "threads": library.openblas_get_num_threads(),
        }
        for path, library in _openblas_libraries(_mapped_paths(maps))
    ]
    return {
        "torch": torch.__version__,
        "threads": torch.get_num_threads(),
        "config": torch.__config__.show(),
        "maps": maps,
        "openblas": openblas,
        "overrides": {name: os.environ[name] for name in OPENBLAS_OVERRIDES if name in os.environ},
    }
