#ifndef RANKSCOPE_COPENBLAS_H
#define RANKSCOPE_COPENBLAS_H
/* The CBLAS, LAPACK and openblas_* routines rankscope calls, loaded lazily.
 *
 * rankscope does not link OpenBLAS: its constructor starts a pool of worker threads at load
 * time, which costs every command (even `--version` and `inspect`) several milliseconds. Each
 * function below is a forwarder (LazyOpenBLAS.c) that, on the first call from any thread,
 * dlopen()s "libopenblas.so.0" once (pthread_once), resolves every routine listed here, and
 * then calls the library's own. When the library or a routine is missing, the first call
 * prints one sentence on stderr (which library, and: install it with scripts/setup or
 * `apt-get install libopenblas-dev`, the Debian package that provides it) and exits with
 * status 1.
 *
 * Under a tight address-space limit (ulimit -v below (cores + 2) × 512 MiB) the library is
 * loaded single-threaded and openblas_set_num_threads is clamped to 1: a worker thread whose
 * buffer allocation fails would otherwise spin forever and hang the program's exit.
 *
 * RANKSCOPE_OPENBLAS_LIBRARY, when set, replaces the library name; it exists for the test that
 * checks the missing-library message (Tests/EndToEndTests/OpenBLASLoadingTests.swift).
 *
 * The declarations mirror OpenBLAS's <cblas.h> (Debian's OpenBLAS is LP64: blasint and the
 * Fortran INTEGER are 32-bit). Every Fortran CHARACTER argument carries a hidden size_t length
 * at the end of the call (gfortran convention); the prototypes declare them and callers pass 1. */
#include <stddef.h>

typedef int blasint;
typedef int lapack_int32;

typedef enum CBLAS_ORDER     {CblasRowMajor=101, CblasColMajor=102} CBLAS_ORDER;
typedef enum CBLAS_TRANSPOSE {CblasNoTrans=111, CblasTrans=112, CblasConjTrans=113, CblasConjNoTrans=114} CBLAS_TRANSPOSE;
typedef enum CBLAS_UPLO      {CblasUpper=121, CblasLower=122} CBLAS_UPLO;
typedef enum CBLAS_DIAG      {CblasNonUnit=131, CblasUnit=132} CBLAS_DIAG;
typedef enum CBLAS_SIDE      {CblasLeft=141, CblasRight=142} CBLAS_SIDE;

#define RANKSCOPE_BLAS_API __attribute__((visibility("hidden")))

/* Loads OpenBLAS now if not done yet and returns NULL, or the one-sentence problem (without a
 * newline) when it cannot be loaded; never exits. For callers that must report the problem in
 * their own way, e.g. before a full-screen program takes the terminal. */
RANKSCOPE_BLAS_API const char *rankscope_openblas_load_problem(void);

/* OpenBLAS's thread count for each call (process-wide). */
RANKSCOPE_BLAS_API void openblas_set_num_threads(int num_threads);
RANKSCOPE_BLAS_API int openblas_get_num_threads(void);

/* C = alpha·op(A)·op(B) + beta·C. */
RANKSCOPE_BLAS_API void cblas_dgemm(const enum CBLAS_ORDER order, const enum CBLAS_TRANSPOSE transA,
                                    const enum CBLAS_TRANSPOSE transB, const blasint m, const blasint n,
                                    const blasint k, const double alpha, const double *a, const blasint lda,
                                    const double *b, const blasint ldb, const double beta, double *c,
                                    const blasint ldc);

/* Single precision C = alpha·op(A)·op(B) + beta·C (the model runtime's matmuls). */
RANKSCOPE_BLAS_API void cblas_sgemm(const enum CBLAS_ORDER order, const enum CBLAS_TRANSPOSE transA,
                                    const enum CBLAS_TRANSPOSE transB, const blasint m, const blasint n,
                                    const blasint k, const float alpha, const float *a, const blasint lda,
                                    const float *b, const blasint ldb, const float beta, float *c,
                                    const blasint ldc);

/* C = alpha·op(A)·op(A)ᵀ + beta·C, one triangle. */
RANKSCOPE_BLAS_API void cblas_dsyrk(const enum CBLAS_ORDER order, const enum CBLAS_UPLO uplo,
                                    const enum CBLAS_TRANSPOSE trans, const blasint n, const blasint k,
                                    const double alpha, const double *a, const blasint lda, const double beta,
                                    double *c, const blasint ldc);

/* The single-precision twin of cblas_dsyrk. */
RANKSCOPE_BLAS_API void cblas_ssyrk(const enum CBLAS_ORDER order, const enum CBLAS_UPLO uplo,
                                    const enum CBLAS_TRANSPOSE trans, const blasint n, const blasint k,
                                    const float alpha, const float *a, const blasint lda, const float beta,
                                    float *c, const blasint ldc);

/* B = alpha·op(A)·B or alpha·B·op(A), A triangular. */
RANKSCOPE_BLAS_API void cblas_dtrmm(const enum CBLAS_ORDER order, const enum CBLAS_SIDE side,
                                    const enum CBLAS_UPLO uplo, const enum CBLAS_TRANSPOSE transA,
                                    const enum CBLAS_DIAG diag, const blasint m, const blasint n,
                                    const double alpha, const double *a, const blasint lda, double *b,
                                    const blasint ldb);

/* Solves op(A)·X = alpha·B or X·op(A) = alpha·B in place, A triangular. */
RANKSCOPE_BLAS_API void cblas_dtrsm(const enum CBLAS_ORDER order, const enum CBLAS_SIDE side,
                                    const enum CBLAS_UPLO uplo, const enum CBLAS_TRANSPOSE transA,
                                    const enum CBLAS_DIAG diag, const blasint m, const blasint n,
                                    const double alpha, const double *a, const blasint lda, double *b,
                                    const blasint ldb);

/* Symmetric eigenvalues/vectors, divide and conquer. */
RANKSCOPE_BLAS_API void dsyevd_(const char *jobz, const char *uplo, const lapack_int32 *n, double *a,
                                const lapack_int32 *lda, double *w, double *work, const lapack_int32 *lwork,
                                lapack_int32 *iwork, const lapack_int32 *liwork, lapack_int32 *info,
                                size_t jobz_len, size_t uplo_len);

/* Symmetric eigenvalues only (jobz = "N"; LAPACK ≥ 3.7 supports nothing else), two-stage reduction to
 * tridiagonal form: dense to band with BLAS 3, then band to tridiagonal. */
RANKSCOPE_BLAS_API void dsyevd_2stage_(const char *jobz, const char *uplo, const lapack_int32 *n, double *a,
                                       const lapack_int32 *lda, double *w, double *work, const lapack_int32 *lwork,
                                       lapack_int32 *iwork, const lapack_int32 *liwork, lapack_int32 *info,
                                       size_t jobz_len, size_t uplo_len);

/* Symmetric eigenvalues/vectors by relatively robust representations (subset). */
RANKSCOPE_BLAS_API void dsyevr_(const char *jobz, const char *range, const char *uplo, const lapack_int32 *n,
                                double *a, const lapack_int32 *lda, const double *vl, const double *vu,
                                const lapack_int32 *il, const lapack_int32 *iu, const double *abstol,
                                lapack_int32 *m, double *w, double *z, const lapack_int32 *ldz,
                                lapack_int32 *isuppz, double *work, const lapack_int32 *lwork,
                                lapack_int32 *iwork, const lapack_int32 *liwork, lapack_int32 *info,
                                size_t jobz_len, size_t range_len, size_t uplo_len);

/* General SVD, divide and conquer. */
RANKSCOPE_BLAS_API void dgesdd_(const char *jobz, const lapack_int32 *m, const lapack_int32 *n, double *a,
                                const lapack_int32 *lda, double *s, double *u, const lapack_int32 *ldu,
                                double *vt, const lapack_int32 *ldvt, double *work, const lapack_int32 *lwork,
                                lapack_int32 *iwork, lapack_int32 *info, size_t jobz_len);

/* QR factorization and generation of the orthonormal Q. */
RANKSCOPE_BLAS_API void dgeqrf_(const lapack_int32 *m, const lapack_int32 *n, double *a, const lapack_int32 *lda,
                                double *tau, double *work, const lapack_int32 *lwork, lapack_int32 *info);
RANKSCOPE_BLAS_API void dorgqr_(const lapack_int32 *m, const lapack_int32 *n, const lapack_int32 *k, double *a,
                                const lapack_int32 *lda, const double *tau, double *work,
                                const lapack_int32 *lwork, lapack_int32 *info);

/* Cholesky factorization. */
RANKSCOPE_BLAS_API void dpotrf_(const char *uplo, const lapack_int32 *n, double *a, const lapack_int32 *lda,
                                lapack_int32 *info, size_t uplo_len);
#endif
