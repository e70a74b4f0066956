# Warnings are errors for ferry's own targets; third-party headers come in as SYSTEM includes.
# Not enabled: -Wnull-dereference. It is computed after inlining, so at -O2 it fires inside Asio's
# scheduler (a system header) wherever ferry instantiates it, and cannot be silenced per header.
function(ferry_target_warnings target)
  target_compile_options(${target} PRIVATE
    -Wall -Wextra -Wpedantic -Werror
    -Wshadow -Wnon-virtual-dtor -Wold-style-cast -Wcast-align -Woverloaded-virtual
    -Wconversion -Wsign-conversion -Wdouble-promotion
    -Wimplicit-fallthrough -Wmisleading-indentation)
endfunction()
