// OpenBLAS's C interface: cblas_sgemm and friends (Debian: libopenblas-dev).
#include <cblas.h>
