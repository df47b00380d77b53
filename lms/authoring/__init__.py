"""Course authoring in the browser: drafts kept as the files of a course folder, checked by the course checker,
published as a new version through the same importer as ``lms courses sync``, exported and imported as zips."""
