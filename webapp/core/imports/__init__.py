"""The kit every import of an operator's CSV file is built from (network, usage,
authorizations), in the order an import uses it:

- :mod:`.columns` — a file layout: its columns, which are required, how long a text may be;
- :mod:`.reading` — the file read line by line: a line that cannot be read is a rejected row
  (:class:`~.reading.Reject`), a file that cannot be read at all a
  :class:`~.reading.FatalImportError`;
- :mod:`.cells` — a row's cells read through :mod:`webapp.core.parsing` (texts, codes, dates,
  money, ``sim``/``nao``, ``|`` lists, phones), each problem a Reject of that line and column;
- :mod:`.report` — what every import tells the operator, and the rejects file;
- :mod:`.command` — the command line: one transaction, the summary, the rejects, the exit status.

What the rows mean, and how they are written, stays with each importer.
"""
