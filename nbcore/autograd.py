"""A tiny scalar reverse-mode autograd (``Value``), written in chapter 5 (Backpropagation).

Placeholder: the chapter-5 author replaces this module.
"""
