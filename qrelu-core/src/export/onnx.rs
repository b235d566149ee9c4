//! ONNX and QONNX models of a network (SPEC §11). Under construction.
