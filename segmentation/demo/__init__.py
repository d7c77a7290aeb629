"""Demo data: a fictional shop's customers, catalog and order lines, generated with a seed.

* :mod:`~segmentation.demo.shop` — :func:`load_demo`, :func:`generate_demo_data`, :func:`write_demo_data`.
* :mod:`~segmentation.demo.generate` — the seeded, vectorised generator.
* :mod:`~segmentation.demo.word_lists` — the fictional word lists and planted groups.
"""
