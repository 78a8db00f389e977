#ifndef BERKAS_CTESSERACT_SHIM_H
#define BERKAS_CTESSERACT_SHIM_H
#include <tesseract/capi.h>
#include <leptonica/allheaders.h>

/* libtesseract is built with OpenMP (libgomp). Its threads fight Berkas' own one-engine-per-core
   workers, so every engine thread limits OpenMP to itself. Declared here rather than through
   <omp.h>, which Debian ships only with the compiler. */
extern void omp_set_num_threads(int);

/* glibc: hands freed heap memory back to the system (each page's images come and go in large
   blocks that would otherwise stay in the engine thread's arena). */
#include <malloc.h>
#endif
