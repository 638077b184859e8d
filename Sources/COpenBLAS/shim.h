#ifndef RANKSCOPE_COPENBLAS_SHIM_H
#define RANKSCOPE_COPENBLAS_SHIM_H
/* CBLAS from OpenBLAS plus the LAPACK routines rankscope calls.
   Debian's OpenBLAS is LP64: Fortran INTEGER is 32-bit. Every Fortran
   CHARACTER argument carries a hidden size_t length at the end of the call
   (gfortran convention); the prototypes declare them and callers pass 1. */
#include <stddef.h>
#include <cblas.h>

typedef int lapack_int32;

/* Symmetric eigenvalues/vectors, divide and conquer. */
void dsyevd_(const char *jobz, const char *uplo, const lapack_int32 *n, double *a,
             const lapack_int32 *lda, double *w, double *work, const lapack_int32 *lwork,
             lapack_int32 *iwork, const lapack_int32 *liwork, lapack_int32 *info,
             size_t jobz_len, size_t uplo_len);

/* Symmetric eigenvalues/vectors by relatively robust representations (subset). */
void dsyevr_(const char *jobz, const char *range, const char *uplo, const lapack_int32 *n,
             double *a, const lapack_int32 *lda, const double *vl, const double *vu,
             const lapack_int32 *il, const lapack_int32 *iu, const double *abstol,
             lapack_int32 *m, double *w, double *z, const lapack_int32 *ldz,
             lapack_int32 *isuppz, double *work, const lapack_int32 *lwork,
             lapack_int32 *iwork, const lapack_int32 *liwork, lapack_int32 *info,
             size_t jobz_len, size_t range_len, size_t uplo_len);

/* General SVD, divide and conquer. */
void dgesdd_(const char *jobz, const lapack_int32 *m, const lapack_int32 *n, double *a,
             const lapack_int32 *lda, double *s, double *u, const lapack_int32 *ldu,
             double *vt, const lapack_int32 *ldvt, double *work, const lapack_int32 *lwork,
             lapack_int32 *iwork, lapack_int32 *info, size_t jobz_len);

/* QR factorization and generation of the orthonormal Q. */
void dgeqrf_(const lapack_int32 *m, const lapack_int32 *n, double *a, const lapack_int32 *lda,
             double *tau, double *work, const lapack_int32 *lwork, lapack_int32 *info);
void dorgqr_(const lapack_int32 *m, const lapack_int32 *n, const lapack_int32 *k, double *a,
             const lapack_int32 *lda, const double *tau, double *work,
             const lapack_int32 *lwork, lapack_int32 *info);

/* Cholesky factorization. */
void dpotrf_(const char *uplo, const lapack_int32 *n, double *a, const lapack_int32 *lda,
             lapack_int32 *info, size_t uplo_len);
#endif
