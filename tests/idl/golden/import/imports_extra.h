/* imports_extra.h - named by `include` in imports.idl */
#define IMPORTS_EXTRA 1
