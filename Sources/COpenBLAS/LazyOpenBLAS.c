/* Forwarders that load OpenBLAS on first use; see include/COpenBLAS.h. */
#include "COpenBLAS.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <unistd.h>

/* Every routine the forwarders call, resolved together. */
#define RANKSCOPE_OPENBLAS_ROUTINES(X) \
    X(openblas_set_num_threads) X(openblas_get_num_threads) \
    X(cblas_dgemm) X(cblas_sgemm) X(cblas_dsyrk) X(cblas_ssyrk) X(cblas_dtrmm) X(cblas_dtrsm) \
    X(dsyevd_) X(dsyevd_2stage_) X(dsyevr_) X(dgesdd_) X(dgeqrf_) X(dorgqr_) X(dpotrf_)

#define RANKSCOPE_DECLARE_POINTER(name) static __typeof__(&name) real_##name;
RANKSCOPE_OPENBLAS_ROUTINES(RANKSCOPE_DECLARE_POINTER)

static pthread_once_t load_once = PTHREAD_ONCE_INIT;
/* The sentence describing why loading failed; empty when it succeeded. */
static char load_problem[1024];

static void record_problem(const char *library, const char *problem) {
    snprintf(load_problem, sizeof load_problem,
             "rankscope: this command needs OpenBLAS, but %s could not be loaded (%s); "
             "install it with scripts/setup or `sudo apt-get install libopenblas-dev`.",
             library, problem);
}

/* The most threads OpenBLAS may use (0: no cap), set by cap_threads_under_tight_limit. */
static int thread_cap;

/* Under a tight address-space limit (ulimit -v), OpenBLAS runs single-threaded. Each of its
 * worker threads allocates a buffer of ~128 MiB when it starts; when that allocation fails the
 * worker retries forever, and exit() (OpenBLAS's destructor joins its workers) then never
 * returns. Loading the library lazily lets OPENBLAS_NUM_THREADS be set before its constructor
 * starts any worker; later requests for more threads are clamped too. "Tight" is below
 * (cores + 2) × 512 MiB, room for every worker's buffer with the program's own memory. */
static void cap_threads_under_tight_limit(void) {
    struct rlimit limit;
    if (getrlimit(RLIMIT_AS, &limit) != 0 || limit.rlim_cur == RLIM_INFINITY) return;
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    unsigned long long room = (unsigned long long)(cores > 0 ? cores + 2 : 3) * (512ull << 20);
    if ((unsigned long long)limit.rlim_cur >= room) return;
    thread_cap = 1;
    setenv("OPENBLAS_NUM_THREADS", "1", 1);
}

static void load(void) {
    cap_threads_under_tight_limit();
    const char *library = getenv("RANKSCOPE_OPENBLAS_LIBRARY");
    if (library == NULL || library[0] == '\0') library = "libopenblas.so.0";
    void *handle = dlopen(library, RTLD_NOW | RTLD_LOCAL);
    if (handle == NULL) {
        const char *reason = dlerror();
        record_problem(library, reason != NULL ? reason : "dlopen failed");
        return;
    }
#define RANKSCOPE_RESOLVE(name) \
    real_##name = (__typeof__(&name))dlsym(handle, #name); \
    if (real_##name == NULL) { record_problem(library, "it has no " #name); return; }
    RANKSCOPE_OPENBLAS_ROUTINES(RANKSCOPE_RESOLVE)
}

const char *rankscope_openblas_load_problem(void) {
    pthread_once(&load_once, load);
    return load_problem[0] != '\0' ? load_problem : NULL;
}

/* Loads the library once, from whichever thread calls first (the others wait); when it cannot
 * be loaded, prints the sentence and exits with status 1. */
static inline void ensure_loaded(void) {
    const char *problem = rankscope_openblas_load_problem();
    if (problem != NULL) {
        fflush(stdout);
        fprintf(stderr, "%s\n", problem);
        exit(1);
    }
}

void openblas_set_num_threads(int num_threads) {
    ensure_loaded();
    if (thread_cap > 0 && num_threads > thread_cap) num_threads = thread_cap;
    real_openblas_set_num_threads(num_threads);
}

int openblas_get_num_threads(void) {
    ensure_loaded();
    return real_openblas_get_num_threads();
}

void cblas_dgemm(const enum CBLAS_ORDER order, const enum CBLAS_TRANSPOSE transA, const enum CBLAS_TRANSPOSE transB,
                 const blasint m, const blasint n, const blasint k, const double alpha, const double *a,
                 const blasint lda, const double *b, const blasint ldb, const double beta, double *c,
                 const blasint ldc) {
    ensure_loaded();
    real_cblas_dgemm(order, transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}

void cblas_sgemm(const enum CBLAS_ORDER order, const enum CBLAS_TRANSPOSE transA, const enum CBLAS_TRANSPOSE transB,
                 const blasint m, const blasint n, const blasint k, const float alpha, const float *a,
                 const blasint lda, const float *b, const blasint ldb, const float beta, float *c,
                 const blasint ldc) {
    ensure_loaded();
    real_cblas_sgemm(order, transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}

void cblas_dsyrk(const enum CBLAS_ORDER order, const enum CBLAS_UPLO uplo, const enum CBLAS_TRANSPOSE trans,
                 const blasint n, const blasint k, const double alpha, const double *a, const blasint lda,
                 const double beta, double *c, const blasint ldc) {
    ensure_loaded();
    real_cblas_dsyrk(order, uplo, trans, n, k, alpha, a, lda, beta, c, ldc);
}

void cblas_ssyrk(const enum CBLAS_ORDER order, const enum CBLAS_UPLO uplo, const enum CBLAS_TRANSPOSE trans,
                 const blasint n, const blasint k, const float alpha, const float *a, const blasint lda,
                 const float beta, float *c, const blasint ldc) {
    ensure_loaded();
    real_cblas_ssyrk(order, uplo, trans, n, k, alpha, a, lda, beta, c, ldc);
}

void cblas_dtrmm(const enum CBLAS_ORDER order, const enum CBLAS_SIDE side, const enum CBLAS_UPLO uplo,
                 const enum CBLAS_TRANSPOSE transA, const enum CBLAS_DIAG diag, const blasint m, const blasint n,
                 const double alpha, const double *a, const blasint lda, double *b, const blasint ldb) {
    ensure_loaded();
    real_cblas_dtrmm(order, side, uplo, transA, diag, m, n, alpha, a, lda, b, ldb);
}

void cblas_dtrsm(const enum CBLAS_ORDER order, const enum CBLAS_SIDE side, const enum CBLAS_UPLO uplo,
                 const enum CBLAS_TRANSPOSE transA, const enum CBLAS_DIAG diag, const blasint m, const blasint n,
                 const double alpha, const double *a, const blasint lda, double *b, const blasint ldb) {
    ensure_loaded();
    real_cblas_dtrsm(order, side, uplo, transA, diag, m, n, alpha, a, lda, b, ldb);
}

void dsyevd_(const char *jobz, const char *uplo, const lapack_int32 *n, double *a, const lapack_int32 *lda,
             double *w, double *work, const lapack_int32 *lwork, lapack_int32 *iwork, const lapack_int32 *liwork,
             lapack_int32 *info, size_t jobz_len, size_t uplo_len) {
    ensure_loaded();
    real_dsyevd_(jobz, uplo, n, a, lda, w, work, lwork, iwork, liwork, info, jobz_len, uplo_len);
}

void dsyevd_2stage_(const char *jobz, const char *uplo, const lapack_int32 *n, double *a, const lapack_int32 *lda,
                    double *w, double *work, const lapack_int32 *lwork, lapack_int32 *iwork,
                    const lapack_int32 *liwork, lapack_int32 *info, size_t jobz_len, size_t uplo_len) {
    ensure_loaded();
    real_dsyevd_2stage_(jobz, uplo, n, a, lda, w, work, lwork, iwork, liwork, info, jobz_len, uplo_len);
}

void dsyevr_(const char *jobz, const char *range, const char *uplo, const lapack_int32 *n, double *a,
             const lapack_int32 *lda, const double *vl, const double *vu, const lapack_int32 *il,
             const lapack_int32 *iu, const double *abstol, lapack_int32 *m, double *w, double *z,
             const lapack_int32 *ldz, lapack_int32 *isuppz, double *work, const lapack_int32 *lwork,
             lapack_int32 *iwork, const lapack_int32 *liwork, lapack_int32 *info, size_t jobz_len,
             size_t range_len, size_t uplo_len) {
    ensure_loaded();
    real_dsyevr_(jobz, range, uplo, n, a, lda, vl, vu, il, iu, abstol, m, w, z, ldz, isuppz, work, lwork, iwork,
                 liwork, info, jobz_len, range_len, uplo_len);
}

void dgesdd_(const char *jobz, const lapack_int32 *m, const lapack_int32 *n, double *a, const lapack_int32 *lda,
             double *s, double *u, const lapack_int32 *ldu, double *vt, const lapack_int32 *ldvt, double *work,
             const lapack_int32 *lwork, lapack_int32 *iwork, lapack_int32 *info, size_t jobz_len) {
    ensure_loaded();
    real_dgesdd_(jobz, m, n, a, lda, s, u, ldu, vt, ldvt, work, lwork, iwork, info, jobz_len);
}

void dgeqrf_(const lapack_int32 *m, const lapack_int32 *n, double *a, const lapack_int32 *lda, double *tau,
             double *work, const lapack_int32 *lwork, lapack_int32 *info) {
    ensure_loaded();
    real_dgeqrf_(m, n, a, lda, tau, work, lwork, info);
}

void dorgqr_(const lapack_int32 *m, const lapack_int32 *n, const lapack_int32 *k, double *a, const lapack_int32 *lda,
             const double *tau, double *work, const lapack_int32 *lwork, lapack_int32 *info) {
    ensure_loaded();
    real_dorgqr_(m, n, k, a, lda, tau, work, lwork, info);
}

void dpotrf_(const char *uplo, const lapack_int32 *n, double *a, const lapack_int32 *lda, lapack_int32 *info,
             size_t uplo_len) {
    ensure_loaded();
    real_dpotrf_(uplo, n, a, lda, info, uplo_len);
}
