//! Authorization of accreditation (ACC) cases: who may see and act on a case (ACC-5, ACC-7, ACC-8).
