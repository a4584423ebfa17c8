//! Accreditation (ACC) rules of seed 003: see DOMAIN.md ACC-1 … ACC-23.
