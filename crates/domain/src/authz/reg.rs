//! Authorization of registration (REG) cases: who may see and act on a registration case.
