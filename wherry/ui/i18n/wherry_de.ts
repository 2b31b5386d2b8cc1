<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de_DE" sourcelanguage="en_US">
<context>
    <name>Actions</name>
    <message>
        <source>&amp;Add…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Add downloads</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Add from C&amp;lipboard</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Add the URLs on the clipboard</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Resume</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Resume the selected downloads</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Pause</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Pause the selected downloads</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Resume A&amp;ll</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Resume every paused download</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Pause &amp;All</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Pause every download</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Re&amp;try</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Try the selected downloads again</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>C&amp;hange URL…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Give a paused or failed download a new address</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Cancel</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Stop and discard the partial file</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Re&amp;move</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Remove from the list and keep the file</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Remove and &amp;Delete File</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Remove and delete the file</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Open File</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open the downloaded file</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open Containing &amp;Folder</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Show the file&apos;s folder</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Copy &amp;URL</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Copy the download addresses</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Move &amp;Up</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Move earlier in the queue</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Move Do&amp;wn</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Move later in the queue</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Propert&amp;ies</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Details of the selected download</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Queue Order</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Show the downloads in queue order</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Verify Files…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Check files against checksum files</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Find by Checksum…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Find files on disk by their digest</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Settings…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Change Wherry&apos;s settings</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>S&amp;tatistics…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Downloads per day, savings and failures</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Export List…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Save the download list as JSON, aria2 input or URLs</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Import List…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Add the downloads listed in a file</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Pause downloads and quit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Downloads</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Tools</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>AddDialog</name>
    <message>
        <source>Choose the checksum&apos;s algorithm; its length does not tell it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Enter at least one URL.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>“{url}” is not a web address Wherry can download from.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose a folder to save into.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The folder must be a full path.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{path} is a file, not a folder.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A file name can be given only when adding a single URL.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The file name cannot contain a folder.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Mirrors can be given only when adding a single URL.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Mirror “{url}” is not a web address.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A checksum can be given only when adding a single URL.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Add downloads</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>One URL per line</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Decided by the server</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Detect</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Hex digest, or a line from a SHA256SUMS file</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Other URLs for the same file, one per line</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Add paused</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Add</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;URLs:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Save &amp;in:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>File &amp;name:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Checksum:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Mirrors:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Save downloads in</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Bridge</name>
    <message>
        <source>Something went wrong; the details are in the log file.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Columns</name>
    <message>
        <source>Name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Size</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Progress</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Speed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Time left</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Status</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Added</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Queued</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Downloading</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Verifying</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Paused</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Finished</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Failed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cancelled</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{s} s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{m} min {s} s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{h} h {m} min</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{d} days</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Failed: checksum mismatch</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Failed: {reason}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Paused: {reason}</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>JobCommands</name>
    <message>
        <source>The clipboard holds no URLs.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Added 1 download.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Added {count} downloads.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Remove “{name}” from the list and delete the downloaded file?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Remove “{name}” from the list? The downloaded file is kept.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Remove {count} downloads from the list and delete the downloaded files?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Remove {count} downloads from the list? Downloaded files are kept.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Remove downloads</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Delete Files</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Remove</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Wherry could not open {path}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Change URL</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>New address for {name}.
The bytes already downloaded are kept only if the new address serves the same file.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>JobDetails</name>
    <message>
        <source>Unknown</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{size} ({count} bytes)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Status:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>URL:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Saved as:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Size:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Downloaded:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Validator:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Checksum:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Computed:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Connections:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Segments:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Source</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Priority</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>State</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Time</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Event</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>General</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sources</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>History</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Select a download to see its details.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{folder} (name not decided yet)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>ETag {value}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Last-Modified {value}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>None (the server sent no validator)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>None given</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>primary</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>In use</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Available</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not computed yet</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not computed (no checksum given)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>sha256:{digest} (nothing given to compare with)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{algorithm}:{digest} (matches)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{algorithm}:{digest} (does NOT match)</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>JobsFilter</name>
    <message>
        <source>All</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Active</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Queued</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Finished</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Failed</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>JobsView</name>
    <message>
        <source>No downloads match.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Drop links here, paste with {paste}, or press Add</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ListCommands</name>
    <message>
        <source>Cleared one finished download; its file is kept.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cleared {count} finished downloads; the files are kept.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No finished downloads to clear.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Export download list</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A file name in the list cannot be written in this format.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Wherry could not write {path}: {reason}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Exported {count} downloads to {path}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Import download list</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Download lists (*.json *.aria2 *.txt)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>All files (*)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{name} is too large to be a download list.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{name} is not a text file.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Wherry could not read {path}: {reason}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{name} could not be read. {reason}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{name} lists no downloads.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Downloads</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Search names and URLs</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>0 B/s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>1 download · {speed}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{count} downloads · {speed}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Idle</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Nothing dropped was a URL.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>PropertiesDialog</name>
    <message>
        <source>Properties of {name}</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>SegmentMap</name>
    <message>
        <source>Not started</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>StatisticsDialog</name>
    <message>
        <source>Statistics</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Bytes that did not have to be fetched again: resumed downloads and reused files.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Downloaded in the last 30 days:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Downloaded in all:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Saved by resuming and reusing files:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Downloads finished:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Failures by cause</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Count</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No failures</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Downloaded per day</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Tray</name>
    <message>
        <source>Show/Hide Wherry</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Pause all</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Resume all</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Quit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>0 B/s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Wherry — 1 download at {speed}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Wherry — {count} downloads at {speed}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Wherry — nothing downloading</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A download</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Download finished</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{name} is ready.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Checksum mismatch</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Download failed</source>
        <translation type="unfinished"></translation>
    </message>
</context>
</TS>
