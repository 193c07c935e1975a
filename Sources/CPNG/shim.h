// libpng (Debian: libpng-dev). We use only the simplified png_image_* API (no setjmp).
#include <png.h>
