"""File stores: uploaded media kept under ids the store generates."""
