// Nothing: this builds an empty library whose soname is libpaddle.so, for the bridge to link against (see
// CMakeLists.txt). It gives the bridge a DT_NEEDED entry "libpaddle.so", which at run time is the wheel's
// libpaddle.so the paddle backend has already opened (matched by soname), so that the bridge finds Paddle's
// symbols in its own dependencies while libpaddle.so and its dependencies stay out of the global scope.
