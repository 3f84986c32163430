/* Reports the -march level it was compiled for. */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#ifndef CEXT_DEMO_LEVEL
#define CEXT_DEMO_LEVEL "baseline"
#endif

static PyObject *compiled_for(PyObject *self, PyObject *args) {
    (void)self;
    (void)args;
    return PyUnicode_FromString(CEXT_DEMO_LEVEL);
}

static PyMethodDef methods[] = {
    {"compiled_for", compiled_for, METH_NOARGS, "The -march level this module was compiled for."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_level", NULL, -1, methods};

PyMODINIT_FUNC PyInit__level(void) { return PyModule_Create(&module); }
