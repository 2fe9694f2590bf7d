# Finds libtorch (from the PyPI torch wheel in the reference venv) and decides QL_WITH_CUDA.
# Defines the imported target ql::torch (include dirs, flags, libraries) and QL_CUDA_ENABLED.
set(QL_CUDA_ENABLED OFF)
if(NOT QL_WITH_TORCH)
  return()
endif()

if(NOT Torch_DIR)
  if(NOT QL_PYTHON)
    find_program(QL_PYTHON_FOUND NAMES python3 python)
    set(QL_PYTHON "${QL_PYTHON_FOUND}" CACHE FILEPATH "" FORCE)
  endif()
  execute_process(
    COMMAND "${QL_PYTHON}" -c "import os, torch.utils; print(os.path.join(torch.utils.cmake_prefix_path, 'Torch'))"
    OUTPUT_VARIABLE _ql_torch_dir OUTPUT_STRIP_TRAILING_WHITESPACE RESULT_VARIABLE _ql_rc)
  if(NOT _ql_rc EQUAL 0)
    message(FATAL_ERROR "QL_PYTHON='${QL_PYTHON}' cannot import torch; run tools/ql setup or pass -DTorch_DIR=")
  endif()
  set(Torch_DIR "${_ql_torch_dir}" CACHE PATH "libtorch CMake config" FORCE)
endif()

# Decide on CUDA before find_package(Torch): Torch's config looks for the CUDA toolkit itself.
get_filename_component(_ql_torch_lib "${Torch_DIR}/../../../lib" ABSOLUTE)
set(_ql_torch_has_cuda OFF)
if(EXISTS "${_ql_torch_lib}/libtorch_cuda.so")
  set(_ql_torch_has_cuda ON)
endif()
find_program(QL_NVCC nvcc HINTS /usr/local/cuda/bin)
if(QL_WITH_CUDA STREQUAL "AUTO")
  if(_ql_torch_has_cuda AND QL_NVCC)
    set(QL_CUDA_ENABLED ON)
  endif()
elseif(QL_WITH_CUDA)
  if(NOT _ql_torch_has_cuda OR NOT QL_NVCC)
    message(FATAL_ERROR "QL_WITH_CUDA=ON needs a libtorch built with CUDA and nvcc")
  endif()
  set(QL_CUDA_ENABLED ON)
endif()

if(QL_CUDA_ENABLED)
  if(NOT CMAKE_CUDA_COMPILER)
    set(CMAKE_CUDA_COMPILER "${QL_NVCC}")
  endif()
  if(NOT CMAKE_CUDA_ARCHITECTURES)
    set(CMAKE_CUDA_ARCHITECTURES 90)   # H100 / H200
  endif()
  set(CMAKE_CUDA_STANDARD 17)
  set(CMAKE_CUDA_STANDARD_REQUIRED ON)
  set(CMAKE_CUDA_EXTENSIONS OFF)
  enable_language(CUDA)
  if(NOT TORCH_CUDA_ARCH_LIST)
    set(TORCH_CUDA_ARCH_LIST "9.0")   # no GPU probing at configure time (CPU machines build too)
  endif()
  find_package(Torch REQUIRED)
  set(_ql_torch_libs ${TORCH_LIBRARIES})
else()
  # CPU-only build against a CUDA wheel: skip Torch's CUDA probing and link the CPU libraries only.
  find_package(Torch QUIET)
  if(NOT Torch_FOUND)
    set(USE_CUDA OFF)
    find_package(Torch REQUIRED)
  endif()
  set(_ql_torch_libs "${_ql_torch_lib}/libtorch_cpu.so" "${_ql_torch_lib}/libc10.so")
endif()

add_library(ql_torch INTERFACE)
target_include_directories(ql_torch SYSTEM INTERFACE ${TORCH_INCLUDE_DIRS})
target_link_libraries(ql_torch INTERFACE ${_ql_torch_libs})
target_link_options(ql_torch INTERFACE "-Wl,-rpath,${_ql_torch_lib}"
  # libtorch.so re-exports copies of std::filesystem built with another GCC; when it comes before
  # libstdc++ in DT_NEEDED, our calls bind to those copies (remove_all segfaults). Make libstdc++ the
  # first needed library so every std:: symbol resolves to the system's own.
  "SHELL:-Wl,--push-state,--no-as-needed -lstdc++ -Wl,--pop-state")
# Keep only the definitions from TORCH_CXX_FLAGS (the ABI flag); never leak them into Qt targets' flags.
string(REGEX MATCHALL "-D[A-Za-z0-9_]+(=[A-Za-z0-9_]+)?" _ql_torch_defs "${TORCH_CXX_FLAGS}")
foreach(_d IN LISTS _ql_torch_defs)
  string(SUBSTRING "${_d}" 2 -1 _d)
  target_compile_definitions(ql_torch INTERFACE "${_d}")
endforeach()
if(QL_CUDA_ENABLED)
  target_compile_definitions(ql_torch INTERFACE QL_WITH_CUDA=1)
endif()
add_library(ql::torch ALIAS ql_torch)
message(STATUS "QuantLens: libtorch ${Torch_VERSION} at ${_ql_torch_lib}; CUDA kernels: ${QL_CUDA_ENABLED}")
