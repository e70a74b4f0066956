# Warnings are errors for ferry's own targets; third-party headers come in as SYSTEM includes.
function(ferry_target_warnings target)
  target_compile_options(${target} PRIVATE
    -Wall -Wextra -Wpedantic -Werror
    -Wshadow -Wnon-virtual-dtor -Wold-style-cast -Wcast-align -Woverloaded-virtual
    -Wconversion -Wsign-conversion -Wnull-dereference -Wdouble-promotion
    -Wimplicit-fallthrough -Wmisleading-indentation)
endfunction()
