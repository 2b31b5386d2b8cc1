<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de_DE" sourcelanguage="en_US">
<context>
    <name>Actions</name>
    <message>
        <source>&amp;Add…</source>
        <translation>&amp;Hinzufügen…</translation>
    </message>
    <message>
        <source>Add downloads</source>
        <translation>Downloads hinzufügen</translation>
    </message>
    <message>
        <source>Add from C&amp;lipboard</source>
        <translation>Aus der &amp;Zwischenablage hinzufügen</translation>
    </message>
    <message>
        <source>Add the URLs on the clipboard</source>
        <translation>Die Adressen aus der Zwischenablage hinzufügen</translation>
    </message>
    <message>
        <source>&amp;Resume</source>
        <translation>&amp;Fortsetzen</translation>
    </message>
    <message>
        <source>Resume the selected downloads</source>
        <translation>Die ausgewählten Downloads fortsetzen</translation>
    </message>
    <message>
        <source>&amp;Pause</source>
        <translation>&amp;Anhalten</translation>
    </message>
    <message>
        <source>Pause the selected downloads</source>
        <translation>Die ausgewählten Downloads anhalten</translation>
    </message>
    <message>
        <source>Resume A&amp;ll</source>
        <translation>A&amp;lle fortsetzen</translation>
    </message>
    <message>
        <source>Resume every paused download</source>
        <translation>Alle angehaltenen Downloads fortsetzen</translation>
    </message>
    <message>
        <source>Pause &amp;All</source>
        <translation>Alle an&amp;halten</translation>
    </message>
    <message>
        <source>Pause every download</source>
        <translation>Alle Downloads anhalten</translation>
    </message>
    <message>
        <source>Re&amp;try</source>
        <translation>Erneut &amp;versuchen</translation>
    </message>
    <message>
        <source>Try the selected downloads again</source>
        <translation>Die ausgewählten Downloads erneut versuchen</translation>
    </message>
    <message>
        <source>C&amp;hange URL…</source>
        <translation>Adresse ä&amp;ndern…</translation>
    </message>
    <message>
        <source>Give a paused or failed download a new address</source>
        <translation>Einem angehaltenen oder fehlgeschlagenen Download eine neue Adresse geben</translation>
    </message>
    <message>
        <source>Change Cred&amp;entials…</source>
        <translation>Anmelde&amp;daten ändern…</translation>
    </message>
    <message>
        <source>Give a download new login headers or cookies and continue it</source>
        <translation>Einem Download neue Anmelde-Header oder Cookies geben und ihn fortsetzen</translation>
    </message>
    <message>
        <source>&amp;Cancel</source>
        <translation>A&amp;bbrechen</translation>
    </message>
    <message>
        <source>Stop and discard the partial file</source>
        <translation>Beenden und die unvollständige Datei verwerfen</translation>
    </message>
    <message>
        <source>Re&amp;move</source>
        <translation>&amp;Entfernen</translation>
    </message>
    <message>
        <source>Remove from the list and keep the file</source>
        <translation>Aus der Liste entfernen, die Datei behalten</translation>
    </message>
    <message>
        <source>Remove and &amp;Delete File</source>
        <translation>Entfernen und Datei lö&amp;schen</translation>
    </message>
    <message>
        <source>Remove and delete the file</source>
        <translation>Aus der Liste entfernen und die Datei löschen</translation>
    </message>
    <message>
        <source>&amp;Open File</source>
        <translation>Datei &amp;öffnen</translation>
    </message>
    <message>
        <source>Open the downloaded file</source>
        <translation>Die heruntergeladene Datei öffnen</translation>
    </message>
    <message>
        <source>Open Containing &amp;Folder</source>
        <translation>Ordner an&amp;zeigen</translation>
    </message>
    <message>
        <source>Show the file&apos;s folder</source>
        <translation>Den Ordner der Datei anzeigen</translation>
    </message>
    <message>
        <source>Copy &amp;URL</source>
        <translation>Adresse &amp;kopieren</translation>
    </message>
    <message>
        <source>Copy the download addresses</source>
        <translation>Die Adressen der Downloads kopieren</translation>
    </message>
    <message>
        <source>Move &amp;Up</source>
        <translation>Nach &amp;oben</translation>
    </message>
    <message>
        <source>Move earlier in the queue</source>
        <translation>In der Warteschlange nach vorn</translation>
    </message>
    <message>
        <source>Move Do&amp;wn</source>
        <translation>Nach &amp;unten</translation>
    </message>
    <message>
        <source>Move later in the queue</source>
        <translation>In der Warteschlange nach hinten</translation>
    </message>
    <message>
        <source>Propert&amp;ies</source>
        <translation>E&amp;igenschaften</translation>
    </message>
    <message>
        <source>Details of the selected download</source>
        <translation>Einzelheiten zum ausgewählten Download</translation>
    </message>
    <message>
        <source>&amp;Queue Order</source>
        <translation>&amp;Warteschlangenfolge</translation>
    </message>
    <message>
        <source>Show the downloads in queue order</source>
        <translation>Die Downloads in der Reihenfolge der Warteschlange zeigen</translation>
    </message>
    <message>
        <source>&amp;Verify Files…</source>
        <translation>Dateien &amp;prüfen…</translation>
    </message>
    <message>
        <source>Check files against checksum files</source>
        <translation>Dateien mit Prüfsummendateien vergleichen</translation>
    </message>
    <message>
        <source>&amp;Find by Checksum…</source>
        <translation>Nach Prüfsumme &amp;suchen…</translation>
    </message>
    <message>
        <source>Find files on disk by their digest</source>
        <translation>Dateien auf dem Datenträger anhand ihrer Prüfsumme finden</translation>
    </message>
    <message>
        <source>&amp;Settings…</source>
        <translation>&amp;Einstellungen…</translation>
    </message>
    <message>
        <source>Change Wherry&apos;s settings</source>
        <translation>Die Einstellungen von Wherry ändern</translation>
    </message>
    <message>
        <source>Clear &amp;Finished</source>
        <translation>Fer&amp;tige entfernen</translation>
    </message>
    <message>
        <source>Take finished downloads out of the list; files stay</source>
        <translation>Fertige Downloads aus der Liste nehmen; die Dateien bleiben</translation>
    </message>
    <message>
        <source>S&amp;tatistics…</source>
        <translation>&amp;Statistik…</translation>
    </message>
    <message>
        <source>Downloads per day, savings and failures</source>
        <translation>Downloads pro Tag, Ersparnis und Fehlschläge</translation>
    </message>
    <message>
        <source>&amp;Export List…</source>
        <translation>Liste e&amp;xportieren…</translation>
    </message>
    <message>
        <source>Save the download list as JSON, aria2 input or URLs</source>
        <translation>Die Download-Liste als JSON, aria2-Eingabedatei oder Adressliste speichern</translation>
    </message>
    <message>
        <source>&amp;Import List…</source>
        <translation>Liste &amp;importieren…</translation>
    </message>
    <message>
        <source>Add the downloads listed in a file</source>
        <translation>Die in einer Datei aufgeführten Downloads hinzufügen</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>&amp;Beenden</translation>
    </message>
    <message>
        <source>Pause downloads and quit</source>
        <translation>Downloads anhalten und beenden</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>&amp;Datei</translation>
    </message>
    <message>
        <source>&amp;Downloads</source>
        <translation>D&amp;ownloads</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>&amp;Ansicht</translation>
    </message>
    <message>
        <source>&amp;Tools</source>
        <translation>&amp;Werkzeuge</translation>
    </message>
</context>
<context>
    <name>AddDialog</name>
    <message>
        <source>Choose the checksum&apos;s algorithm; its length does not tell it.</source>
        <translation>Wählen Sie das Verfahren der Prüfsumme; an ihrer Länge lässt es sich nicht erkennen.</translation>
    </message>
    <message>
        <source>Enter at least one URL.</source>
        <translation>Geben Sie mindestens eine Adresse ein.</translation>
    </message>
    <message>
        <source>“{url}” is not a web address Wherry can download from.</source>
        <translation>„{url}“ ist keine Webadresse, von der Wherry herunterladen kann.</translation>
    </message>
    <message>
        <source>Choose a folder to save into.</source>
        <translation>Wählen Sie einen Ordner zum Speichern.</translation>
    </message>
    <message>
        <source>The folder must be a full path.</source>
        <translation>Der Ordner muss als vollständiger Pfad angegeben werden.</translation>
    </message>
    <message>
        <source>{path} is a file, not a folder.</source>
        <translation>{path} ist eine Datei, kein Ordner.</translation>
    </message>
    <message>
        <source>A file name can be given only when adding a single URL.</source>
        <translation>Ein Dateiname kann nur für eine einzelne Adresse angegeben werden.</translation>
    </message>
    <message>
        <source>The file name cannot contain a folder.</source>
        <translation>Der Dateiname darf keinen Ordner enthalten.</translation>
    </message>
    <message>
        <source>Mirrors can be given only when adding a single URL.</source>
        <translation>Spiegelserver können nur für eine einzelne Adresse angegeben werden.</translation>
    </message>
    <message>
        <source>Mirror “{url}” is not a web address.</source>
        <translation>Der Spiegelserver „{url}“ ist keine Webadresse.</translation>
    </message>
    <message>
        <source>A checksum can be given only when adding a single URL.</source>
        <translation>Eine Prüfsumme kann nur für eine einzelne Adresse angegeben werden.</translation>
    </message>
    <message>
        <source>The cookie file {path} does not exist.</source>
        <translation>Die Cookie-Datei {path} gibt es nicht.</translation>
    </message>
    <message>
        <source>“{url}” is not a web address for a checksum file.</source>
        <translation>„{url}“ ist keine Webadresse für eine Prüfsummendatei.</translation>
    </message>
    <message>
        <source>Add downloads</source>
        <translation>Downloads hinzufügen</translation>
    </message>
    <message>
        <source>One URL per line</source>
        <translation>Eine Adresse pro Zeile</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>Durchsuchen…</translation>
    </message>
    <message>
        <source>Decided by the server</source>
        <translation>Vom Server bestimmt</translation>
    </message>
    <message>
        <source>Detect</source>
        <translation>Erkennen</translation>
    </message>
    <message>
        <source>Hex digest, or a line from a SHA256SUMS file</source>
        <translation>Hex-Prüfsumme oder Zeile aus SHA256SUMS</translation>
    </message>
    <message>
        <source>Other URLs for the same file, one per line</source>
        <translation>Weitere Adressen derselben Datei, eine pro Zeile</translation>
    </message>
    <message>
        <source>Add paused</source>
        <translation>Angehalten hinzufügen</translation>
    </message>
    <message>
        <source>Sort into category folders</source>
        <translation>In Kategorie-Ordner einsortieren</translation>
    </message>
    <message>
        <source>Add</source>
        <translation>Hinzufügen</translation>
    </message>
    <message>
        <source>&amp;URLs:</source>
        <translation>&amp;Adressen:</translation>
    </message>
    <message>
        <source>Save &amp;in:</source>
        <translation>Speichern &amp;in:</translation>
    </message>
    <message>
        <source>File &amp;name:</source>
        <translation>Datei&amp;name:</translation>
    </message>
    <message>
        <source>&amp;Checksum:</source>
        <translation>&amp;Prüfsumme:</translation>
    </message>
    <message>
        <source>&amp;Mirrors:</source>
        <translation>&amp;Spiegelserver:</translation>
    </message>
    <message>
        <source>Everything is saved in the folder above.</source>
        <translation>Alles wird im Ordner oben gespeichert.</translation>
    </message>
    <message>
        <source>The folder follows the category of each file.</source>
        <translation>Der Ordner richtet sich nach der Kategorie jeder Datei.</translation>
    </message>
    <message>
        <source>No category rule matches; saved in the folder above.</source>
        <translation>Keine Kategorie-Regel passt; gespeichert im Ordner oben.</translation>
    </message>
    <message>
        <source>Category “{name}”: saved in {folder}</source>
        <translation>Kategorie „{name}“: gespeichert in {folder}</translation>
    </message>
    <message>
        <source>Sorted into {names}; the others are saved in the folder above.</source>
        <translation>Einsortiert in {names}; die übrigen werden im Ordner oben gespeichert.</translation>
    </message>
    <message>
        <source>Sorted into {names}.</source>
        <translation>Einsortiert in {names}.</translation>
    </message>
    <message>
        <source>Save downloads in</source>
        <translation>Downloads speichern in</translation>
    </message>
</context>
<context>
    <name>Bridge</name>
    <message>
        <source>Something went wrong; the details are in the log file.</source>
        <translation>Etwas ist schiefgegangen; die Einzelheiten stehen in der Protokolldatei.</translation>
    </message>
</context>
<context>
    <name>CategoriesEditor</name>
    <message>
        <source>Sort downloads into folders by category</source>
        <translation>Downloads nach Kategorie in Ordner einsortieren</translation>
    </message>
    <message>
        <source>Category</source>
        <translation>Kategorie</translation>
    </message>
    <message>
        <source>Extensions or URL parts</source>
        <translation>Endungen oder Teile der Adresse</translation>
    </message>
    <message>
        <source>Folder</source>
        <translation>Ordner</translation>
    </message>
    <message>
        <source>&amp;Add</source>
        <translation>&amp;Hinzufügen</translation>
    </message>
    <message>
        <source>&amp;Remove</source>
        <translation>&amp;Entfernen</translation>
    </message>
    <message>
        <source>Move &amp;Up</source>
        <translation>Nach &amp;oben</translation>
    </message>
    <message>
        <source>Move &amp;Down</source>
        <translation>Nach &amp;unten</translation>
    </message>
    <message>
        <source>Restore De&amp;faults</source>
        <translation>&amp;Voreinstellungen</translation>
    </message>
    <message>
        <source>Extensions start with a dot (.mp4, .tar.*); anything else matches part of the URL (huggingface.co/). The first matching rule wins. A folder without a full path is inside the download folder. Downloads given a folder of their own are not sorted.</source>
        <translation>Endungen beginnen mit einem Punkt (.mp4, .tar.*); alles andere passt auf einen Teil der Adresse (huggingface.co/). Die erste passende Regel gilt. Ein Ordner ohne vollständigen Pfad liegt im Download-Ordner. Downloads mit einem eigenen Ordner werden nicht einsortiert.</translation>
    </message>
    <message>
        <source>New category</source>
        <translation>Neue Kategorie</translation>
    </message>
</context>
<context>
    <name>Columns</name>
    <message>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>Größe</translation>
    </message>
    <message>
        <source>Progress</source>
        <translation>Fortschritt</translation>
    </message>
    <message>
        <source>Speed</source>
        <translation>Tempo</translation>
    </message>
    <message>
        <source>Time left</source>
        <translation>Restzeit</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Added</source>
        <translation>Hinzugefügt</translation>
    </message>
    <message>
        <source>Queued</source>
        <translation>Wartet</translation>
    </message>
    <message>
        <source>Downloading</source>
        <translation>Wird geladen</translation>
    </message>
    <message>
        <source>Verifying</source>
        <translation>Wird geprüft</translation>
    </message>
    <message>
        <source>Paused</source>
        <translation>Angehalten</translation>
    </message>
    <message>
        <source>Finished</source>
        <translation>Fertig</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>Fehlgeschlagen</translation>
    </message>
    <message>
        <source>Cancelled</source>
        <translation>Abgebrochen</translation>
    </message>
    <message>
        <source>{s} s</source>
        <translation>{s} s</translation>
    </message>
    <message>
        <source>{m} min {s} s</source>
        <translation>{m} min {s} s</translation>
    </message>
    <message>
        <source>{h} h {m} min</source>
        <translation>{h} h {m} min</translation>
    </message>
    <message>
        <source>{d} days</source>
        <translation>{d} Tage</translation>
    </message>
    <message>
        <source>Downloading in another Wherry</source>
        <translation>Wird von einem anderen Wherry geladen</translation>
    </message>
    <message>
        <source>Waiting in another Wherry</source>
        <translation>Wartet in einem anderen Wherry</translation>
    </message>
    <message>
        <source>Failed: checksum mismatch</source>
        <translation>Fehlgeschlagen: Prüfsumme stimmt nicht</translation>
    </message>
    <message>
        <source>Failed: {reason}</source>
        <translation>Fehlgeschlagen: {reason}</translation>
    </message>
    <message>
        <source>Paused: {reason}</source>
        <translation>Angehalten: {reason}</translation>
    </message>
</context>
<context>
    <name>DesktopOffer</name>
    <message>
        <source>Applications menu</source>
        <translation>Anwendungsmenü</translation>
    </message>
    <message>
        <source>Add Wherry to the applications menu?</source>
        <translation>Wherry zum Anwendungsmenü hinzufügen?</translation>
    </message>
    <message>
        <source>You can start it from there, and open links and metalinks with it.</source>
        <translation>Dann können Sie es dort starten und Links und Metalinks damit öffnen.</translation>
    </message>
    <message>
        <source>Add to menu</source>
        <translation>Zum Menü hinzufügen</translation>
    </message>
    <message>
        <source>Not now</source>
        <translation>Jetzt nicht</translation>
    </message>
</context>
<context>
    <name>DuplicatePrompt</name>
    <message>
        <source>Already downloaded</source>
        <translation>Schon vorhanden</translation>
    </message>
    <message>
        <source>“{name}” is already in the list.</source>
        <translation>„{name}“ ist schon in der Liste.</translation>
    </message>
    <message>
        <source>A file named “{name}” is already in {folder}.</source>
        <translation>In {folder} gibt es schon eine Datei namens „{name}“.</translation>
    </message>
    <message>
        <source>{count} of these downloads are already in the list or on disk.</source>
        <translation>{count} dieser Downloads sind schon in der Liste oder auf dem Datenträger.</translation>
    </message>
    <message>
        <source>Download again keeps both, saving the new one under a numbered name. Replace overwrites the old file once the new download is complete.</source>
        <translation>„Erneut herunterladen“ behält beide und speichert die neue Datei unter einem nummerierten Namen. „Ersetzen“ überschreibt die alte Datei, sobald der neue Download vollständig ist.</translation>
    </message>
    <message>
        <source>Open Existing</source>
        <translation>Vorhandene öffnen</translation>
    </message>
    <message>
        <source>Download Again</source>
        <translation>Erneut herunterladen</translation>
    </message>
    <message>
        <source>Replace</source>
        <translation>Ersetzen</translation>
    </message>
</context>
<context>
    <name>FindDialog</name>
    <message>
        <source>Detect from length</source>
        <translation>An der Länge erkennen</translation>
    </message>
    <message>
        <source>The size is a whole number of bytes.</source>
        <translation>Die Größe ist eine ganze Zahl von Bytes.</translation>
    </message>
    <message>
        <source>Add a folder to search.</source>
        <translation>Fügen Sie einen Ordner zum Durchsuchen hinzu.</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>Folder</source>
        <translation>Ordner</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>Größe</translation>
    </message>
    <message>
        <source>Find a file by checksum</source>
        <translation>Datei anhand der Prüfsumme finden</translation>
    </message>
    <message>
        <source>Paste a digest in hexadecimal, or algorithm:digest</source>
        <translation>Prüfsumme hexadezimal einfügen oder als Verfahren:Prüfsumme</translation>
    </message>
    <message>
        <source>Optional: rules out other files without reading them</source>
        <translation>Optional: schließt andere Dateien aus, ohne sie zu lesen</translation>
    </message>
    <message>
        <source>Add f&amp;older…</source>
        <translation>&amp;Ordner hinzufügen…</translation>
    </message>
    <message>
        <source>&amp;Remove</source>
        <translation>&amp;Entfernen</translation>
    </message>
    <message>
        <source>Follow symbolic links inside these folders</source>
        <translation>Symbolischen Verknüpfungen in diesen Ordnern folgen</translation>
    </message>
    <message>
        <source>&amp;Digest:</source>
        <translation>Prüf&amp;summe:</translation>
    </message>
    <message>
        <source>&amp;Size in bytes:</source>
        <translation>&amp;Größe in Bytes:</translation>
    </message>
    <message>
        <source>Search &amp;in:</source>
        <translation>Suchen &amp;in:</translation>
    </message>
    <message>
        <source>Double-click a match to open its folder.</source>
        <translation>Doppelklicken Sie auf einen Treffer, um seinen Ordner zu öffnen.</translation>
    </message>
    <message>
        <source>&amp;Find</source>
        <translation>&amp;Finden</translation>
    </message>
    <message>
        <source>Choose a folder to search</source>
        <translation>Ordner zum Durchsuchen wählen</translation>
    </message>
    <message>
        <source> or </source>
        <translation> oder </translation>
    </message>
    <message>
        <source>A {algorithms} digest.</source>
        <translation>Eine {algorithms}-Prüfsumme.</translation>
    </message>
    <message>
        <source>Searching…</source>
        <translation>Suche läuft…</translation>
    </message>
    <message>
        <source>{path}
{size} bytes, {algorithm}</source>
        <translation>{path}
{size} Bytes, {algorithm}</translation>
    </message>
    <message>
        <source>{found} among {checked} checked. Double-click one to open its folder.</source>
        <translation>{found} unter {checked} geprüften. Doppelklicken Sie auf einen, um seinen Ordner zu öffnen.</translation>
    </message>
    <message>
        <source>No file has this digest; {checked} checked.</source>
        <translation>Keine Datei hat diese Prüfsumme; {checked} geprüft.</translation>
    </message>
    <message>
        <source>Stopped after checking {checked}; {found}.</source>
        <translation>Beendet nach {checked}; {found}.</translation>
    </message>
    <message>
        <source>1 file</source>
        <translation>1 Datei</translation>
    </message>
    <message>
        <source>{count} files</source>
        <translation>{count} Dateien</translation>
    </message>
    <message>
        <source>1 match</source>
        <translation>1 Treffer</translation>
    </message>
    <message>
        <source>{count} matches</source>
        <translation>{count} Treffer</translation>
    </message>
    <message>
        <source>1 folder</source>
        <translation>1 Ordner</translation>
    </message>
    <message>
        <source>{count} folders</source>
        <translation>{count} Ordnern</translation>
    </message>
    <message>
        <source>{files} hashed in {folders}</source>
        <translation>{files} geprüft in {folders}</translation>
    </message>
</context>
<context>
    <name>JobCommands</name>
    <message>
        <source>The clipboard holds no URLs.</source>
        <translation>Die Zwischenablage enthält keine Adressen.</translation>
    </message>
    <message>
        <source>Added 1 download.</source>
        <translation>1 Download hinzugefügt.</translation>
    </message>
    <message>
        <source>Added {count} downloads.</source>
        <translation>{count} Downloads hinzugefügt.</translation>
    </message>
    <message>
        <source>Remove “{name}” from the list and delete the downloaded file?</source>
        <translation>„{name}“ aus der Liste entfernen und die heruntergeladene Datei löschen?</translation>
    </message>
    <message>
        <source>Remove “{name}” from the list? The downloaded file is kept.</source>
        <translation>„{name}“ aus der Liste entfernen? Die heruntergeladene Datei bleibt erhalten.</translation>
    </message>
    <message>
        <source>Remove {count} downloads from the list and delete the downloaded files?</source>
        <translation>{count} Downloads aus der Liste entfernen und die heruntergeladenen Dateien löschen?</translation>
    </message>
    <message>
        <source>Remove {count} downloads from the list? Downloaded files are kept.</source>
        <translation>{count} Downloads aus der Liste entfernen? Die heruntergeladenen Dateien bleiben erhalten.</translation>
    </message>
    <message>
        <source>Remove downloads</source>
        <translation>Downloads entfernen</translation>
    </message>
    <message>
        <source>Delete Files</source>
        <translation>Dateien löschen</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>Entfernen</translation>
    </message>
    <message>
        <source>Wherry could not open {path}.</source>
        <translation>Wherry konnte {path} nicht öffnen.</translation>
    </message>
    <message>
        <source>Change URL</source>
        <translation>Adresse ändern</translation>
    </message>
    <message>
        <source>New address for {name}.
The bytes already downloaded are kept only if the new address serves the same file.</source>
        <translation>Neue Adresse für {name}.
Die schon heruntergeladenen Bytes bleiben nur erhalten, wenn die neue Adresse dieselbe Datei liefert.</translation>
    </message>
</context>
<context>
    <name>JobDetails</name>
    <message>
        <source>Unknown</source>
        <translation>Unbekannt</translation>
    </message>
    <message>
        <source>{size} ({count} bytes)</source>
        <translation>{size} ({count} Bytes)</translation>
    </message>
    <message>
        <source>Status:</source>
        <translation>Status:</translation>
    </message>
    <message>
        <source>URL:</source>
        <translation>Adresse:</translation>
    </message>
    <message>
        <source>Saved as:</source>
        <translation>Gespeichert als:</translation>
    </message>
    <message>
        <source>Size:</source>
        <translation>Größe:</translation>
    </message>
    <message>
        <source>Downloaded:</source>
        <translation>Heruntergeladen:</translation>
    </message>
    <message>
        <source>Validator:</source>
        <translation>Validator:</translation>
    </message>
    <message>
        <source>Checksum:</source>
        <translation>Prüfsumme:</translation>
    </message>
    <message>
        <source>Request headers:</source>
        <translation>Anfrage-Header:</translation>
    </message>
    <message>
        <source>Computed:</source>
        <translation>Berechnet:</translation>
    </message>
    <message>
        <source>Connections:</source>
        <translation>Verbindungen:</translation>
    </message>
    <message>
        <source>Segments:</source>
        <translation>Abschnitte:</translation>
    </message>
    <message>
        <source>Source</source>
        <translation>Quelle</translation>
    </message>
    <message>
        <source>Priority</source>
        <translation>Priorität</translation>
    </message>
    <message>
        <source>State</source>
        <translation>Zustand</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>Zeit</translation>
    </message>
    <message>
        <source>Event</source>
        <translation>Ereignis</translation>
    </message>
    <message>
        <source>General</source>
        <translation>Allgemein</translation>
    </message>
    <message>
        <source>Sources</source>
        <translation>Quellen</translation>
    </message>
    <message>
        <source>History</source>
        <translation>Verlauf</translation>
    </message>
    <message>
        <source>Select a download to see its details.</source>
        <translation>Wählen Sie einen Download aus, um seine Einzelheiten zu sehen.</translation>
    </message>
    <message>
        <source>{folder} (name not decided yet)</source>
        <translation>{folder} (Name steht noch nicht fest)</translation>
    </message>
    <message>
        <source>ETag {value}</source>
        <translation>ETag {value}</translation>
    </message>
    <message>
        <source>Last-Modified {value}</source>
        <translation>Last-Modified {value}</translation>
    </message>
    <message>
        <source>None (the server sent no validator)</source>
        <translation>Keiner (der Server hat keinen Validator gesendet)</translation>
    </message>
    <message>
        <source>None given</source>
        <translation>Keine angegeben</translation>
    </message>
    <message>
        <source>None</source>
        <translation>Keine</translation>
    </message>
    <message>
        <source>Adapts to the link</source>
        <translation>Passt sich der Verbindung an</translation>
    </message>
    <message>
        <source>primary</source>
        <translation>primär</translation>
    </message>
    <message>
        <source>In use</source>
        <translation>In Gebrauch</translation>
    </message>
    <message>
        <source>Available</source>
        <translation>Verfügbar</translation>
    </message>
    <message>
        <source>Not computed yet</source>
        <translation>Noch nicht berechnet</translation>
    </message>
    <message>
        <source>Not computed (no checksum given)</source>
        <translation>Nicht berechnet (keine Prüfsumme angegeben)</translation>
    </message>
    <message>
        <source>sha256:{digest} (nothing given to compare with)</source>
        <translation>sha256:{digest} (nichts zum Vergleichen angegeben)</translation>
    </message>
    <message>
        <source>{algorithm}:{digest} (matches)</source>
        <translation>{algorithm}:{digest} (stimmt überein)</translation>
    </message>
    <message>
        <source>{algorithm}:{digest} (does NOT match)</source>
        <translation>{algorithm}:{digest} (stimmt NICHT überein)</translation>
    </message>
</context>
<context>
    <name>JobsFilter</name>
    <message>
        <source>All</source>
        <translation>Alle</translation>
    </message>
    <message>
        <source>Active</source>
        <translation>Aktiv</translation>
    </message>
    <message>
        <source>Queued</source>
        <translation>Wartend</translation>
    </message>
    <message>
        <source>Finished</source>
        <translation>Fertig</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>Fehlgeschlagen</translation>
    </message>
</context>
<context>
    <name>JobsView</name>
    <message>
        <source>No downloads match.</source>
        <translation>Kein Download passt.</translation>
    </message>
    <message>
        <source>Drop links here, paste with {paste}, or press Add</source>
        <translation>Links hierher ziehen, mit {paste} einfügen oder auf „Hinzufügen“ klicken</translation>
    </message>
</context>
<context>
    <name>ListCommands</name>
    <message>
        <source>Wherry list with checksums and mirrors (*.json)</source>
        <translation>Wherry-Liste mit Prüfsummen und Spiegelservern (*.json)</translation>
    </message>
    <message>
        <source>aria2 input file (*.aria2 *.txt)</source>
        <translation>aria2-Eingabedatei (*.aria2 *.txt)</translation>
    </message>
    <message>
        <source>List of URLs (*.txt)</source>
        <translation>Adressliste (*.txt)</translation>
    </message>
    <message>
        <source>Cleared one finished download; its file is kept.</source>
        <translation>Ein fertiger Download wurde aus der Liste entfernt; seine Datei bleibt erhalten.</translation>
    </message>
    <message>
        <source>Cleared {count} finished downloads; the files are kept.</source>
        <translation>{count} fertige Downloads wurden aus der Liste entfernt; die Dateien bleiben erhalten.</translation>
    </message>
    <message>
        <source>No finished downloads to clear.</source>
        <translation>Es gibt keine fertigen Downloads zu entfernen.</translation>
    </message>
    <message>
        <source>Export download list</source>
        <translation>Download-Liste exportieren</translation>
    </message>
    <message>
        <source>A file name in the list cannot be written in this format.</source>
        <translation>Ein Dateiname der Liste lässt sich in diesem Format nicht schreiben.</translation>
    </message>
    <message>
        <source>Wherry could not write {path}: {reason}.</source>
        <translation>Wherry konnte {path} nicht schreiben: {reason}.</translation>
    </message>
    <message>
        <source>Exported {count} downloads to {path}.</source>
        <translation>{count} Downloads nach {path} exportiert.</translation>
    </message>
    <message>
        <source>Import download list</source>
        <translation>Download-Liste importieren</translation>
    </message>
    <message>
        <source>Download lists (*.json *.aria2 *.txt)</source>
        <translation>Download-Listen (*.json *.aria2 *.txt)</translation>
    </message>
    <message>
        <source>All files (*)</source>
        <translation>Alle Dateien (*)</translation>
    </message>
    <message>
        <source>{name} is too large to be a download list.</source>
        <translation>{name} ist zu groß für eine Download-Liste.</translation>
    </message>
    <message>
        <source>{name} is not a text file.</source>
        <translation>{name} ist keine Textdatei.</translation>
    </message>
    <message>
        <source>Wherry could not read {path}: {reason}.</source>
        <translation>Wherry konnte {path} nicht lesen: {reason}.</translation>
    </message>
    <message>
        <source>{name} could not be read. {reason}</source>
        <translation>{name} konnte nicht gelesen werden. {reason}</translation>
    </message>
    <message>
        <source>{name} lists no downloads.</source>
        <translation>{name} enthält keine Downloads.</translation>
    </message>
</context>
<context>
    <name>LogindPower</name>
    <message>
        <source>Wherry cannot reach the system&apos;s power management (no system bus).</source>
        <translation>Wherry erreicht die Energieverwaltung des Systems nicht (kein Systembus).</translation>
    </message>
    <message>
        <source>The system did not let Wherry put the computer to sleep: {reason}</source>
        <translation>Das System hat Wherry den Ruhezustand verweigert: {reason}</translation>
    </message>
    <message>
        <source>The system did not let Wherry power off the computer: {reason}</source>
        <translation>Das System hat Wherry das Ausschalten verweigert: {reason}</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Downloads</source>
        <translation>Downloads</translation>
    </message>
    <message>
        <source>Search names and URLs</source>
        <translation>Namen und Adressen durchsuchen</translation>
    </message>
    <message>
        <source>Set in Settings, on the Schedule page</source>
        <translation>Einzustellen unter Einstellungen, Seite Zeitplan</translation>
    </message>
    <message>
        <source>Choose in Downloads › When Done</source>
        <translation>Auszuwählen unter Downloads › Wenn fertig</translation>
    </message>
    <message>
        <source>0 B/s</source>
        <translation>0 B/s</translation>
    </message>
    <message>
        <source>1 download · {speed}</source>
        <translation>1 Download · {speed}</translation>
    </message>
    <message>
        <source>{count} downloads · {speed}</source>
        <translation>{count} Downloads · {speed}</translation>
    </message>
    <message>
        <source>Idle</source>
        <translation>Untätig</translation>
    </message>
    <message>
        <source>Remote control on · port {port}</source>
        <translation>Fernsteuerung an · Port {port}</translation>
    </message>
    <message>
        <source>aria2-compatible clients can reach Wherry at {address}</source>
        <translation>aria2-kompatible Programme erreichen Wherry unter {address}</translation>
    </message>
    <message>
        <source>Nothing dropped was a URL.</source>
        <translation>Nichts von dem Abgelegten war eine Adresse.</translation>
    </message>
</context>
<context>
    <name>PowerNotice</name>
    <message>
        <source>Downloads finished</source>
        <translation>Downloads fertig</translation>
    </message>
    <message>
        <source>Sleep Now</source>
        <translation>Jetzt Ruhezustand</translation>
    </message>
    <message>
        <source>Power Off Now</source>
        <translation>Jetzt ausschalten</translation>
    </message>
    <message>
        <source>All downloads are done. The computer will sleep in 1 second.</source>
        <translation>Alle Downloads sind fertig. Der Computer geht in 1 Sekunde in den Ruhezustand.</translation>
    </message>
    <message>
        <source>All downloads are done. The computer will sleep in {n} seconds.</source>
        <translation>Alle Downloads sind fertig. Der Computer geht in {n} Sekunden in den Ruhezustand.</translation>
    </message>
    <message>
        <source>All downloads are done. The computer will power off in 1 second.</source>
        <translation>Alle Downloads sind fertig. Der Computer schaltet sich in 1 Sekunde aus.</translation>
    </message>
    <message>
        <source>All downloads are done. The computer will power off in {n} seconds.</source>
        <translation>Alle Downloads sind fertig. Der Computer schaltet sich in {n} Sekunden aus.</translation>
    </message>
</context>
<context>
    <name>PropertiesDialog</name>
    <message>
        <source>Properties of {name}</source>
        <translation>Eigenschaften von {name}</translation>
    </message>
</context>
<context>
    <name>QueueScheduler</name>
    <message>
        <source>Limited to {speed} until {time}</source>
        <translation>Begrenzt auf {speed} bis {time}</translation>
    </message>
    <message>
        <source>Queue starts {time}</source>
        <translation>Warteschlange startet {time}</translation>
    </message>
    <message>
        <source>Queue stops {time}</source>
        <translation>Warteschlange hält {time}</translation>
    </message>
</context>
<context>
    <name>QuitGuard</name>
    <message>
        <source>1 download is running and there is no system tray for Wherry to keep working in. Quit and pause it? It resumes where it stopped the next time Wherry starts.</source>
        <translation>1 Download läuft, und es gibt keinen Infobereich, in dem Wherry weiterarbeiten könnte. Beenden und den Download anhalten? Er wird beim nächsten Start von Wherry dort fortgesetzt, wo er stehen geblieben ist.</translation>
    </message>
    <message>
        <source>{count} downloads are running and there is no system tray for Wherry to keep working in. Quit and pause them? They resume where they stopped the next time Wherry starts.</source>
        <translation>{count} Downloads laufen, und es gibt keinen Infobereich, in dem Wherry weiterarbeiten könnte. Beenden und die Downloads anhalten? Sie werden beim nächsten Start von Wherry dort fortgesetzt, wo sie stehen geblieben sind.</translation>
    </message>
    <message>
        <source>Quit Wherry?</source>
        <translation>Wherry beenden?</translation>
    </message>
    <message>
        <source>Pause and quit</source>
        <translation>Anhalten und beenden</translation>
    </message>
    <message>
        <source>Keep downloading</source>
        <translation>Weiter herunterladen</translation>
    </message>
</context>
<context>
    <name>RequestOptions</name>
    <message>
        <source>&amp;Headers:</source>
        <translation>&amp;Header:</translation>
    </message>
    <message>
        <source>Coo&amp;kie file:</source>
        <translation>Coo&amp;kie-Datei:</translation>
    </message>
    <message>
        <source>Checksum &amp;file:</source>
        <translation>Prüfsummen&amp;datei:</translation>
    </message>
</context>
<context>
    <name>SchedulePage</name>
    <message>
        <source>Start and stop the queue at set times</source>
        <translation>Die Warteschlange zu festen Zeiten starten und anhalten</translation>
    </message>
    <message>
        <source>&amp;Start at</source>
        <translation>&amp;Starten um</translation>
    </message>
    <message>
        <source>S&amp;top at</source>
        <translation>&amp;Anhalten um</translation>
    </message>
    <message>
        <source>Queue</source>
        <translation>Warteschlange</translation>
    </message>
    <message>
        <source>On:</source>
        <translation>An:</translation>
    </message>
    <message>
        <source>Times:</source>
        <translation>Zeiten:</translation>
    </message>
    <message>
        <source>Starting resumes every paused download; stopping pauses them all.</source>
        <translation>Starten setzt jeden angehaltenen Download fort; Anhalten hält alle an.</translation>
    </message>
    <message>
        <source>Limit the total speed during these hours</source>
        <translation>Die Gesamtgeschwindigkeit in diesen Stunden begrenzen</translation>
    </message>
    <message>
        <source>to</source>
        <translation>bis</translation>
    </message>
    <message>
        <source> KiB/s</source>
        <translation> KiB/s</translation>
    </message>
    <message>
        <source>Speed limit</source>
        <translation>Geschwindigkeitsgrenze</translation>
    </message>
    <message>
        <source>From:</source>
        <translation>Von:</translation>
    </message>
    <message>
        <source>&amp;Limit:</source>
        <translation>&amp;Grenze:</translation>
    </message>
    <message>
        <source>For example: notify-send Downloaded</source>
        <translation>Zum Beispiel: notify-send Heruntergeladen</translation>
    </message>
    <message>
        <source>When the queue finishes</source>
        <translation>Wenn die Warteschlange fertig ist</translation>
    </message>
    <message>
        <source>&amp;Command:</source>
        <translation>&amp;Befehl:</translation>
    </message>
    <message>
        <source>Runs once for each finished file, with its path as the last argument (or where {} stands). Choose it under Downloads › When Done.</source>
        <translation>Läuft einmal für jede fertige Datei, mit ihrem Pfad als letztem Argument (oder dort, wo {} steht). Auszuwählen unter Downloads › Wenn fertig.</translation>
    </message>
</context>
<context>
    <name>SegmentMap</name>
    <message>
        <source>Not started</source>
        <translation>Nicht begonnen</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <source>Settings</source>
        <translation>Einstellungen</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>Durchsuchen…</translation>
    </message>
    <message>
        <source>&amp;Adapt to the link</source>
        <translation>An die Verbindung &amp;anpassen</translation>
    </message>
    <message>
        <source>Open more connections while each one still makes the download faster.</source>
        <translation>Weitere Verbindungen öffnen, solange jede den Download noch beschleunigt.</translation>
    </message>
    <message>
        <source> KiB/s</source>
        <translation> KiB/s</translation>
    </message>
    <message>
        <source>Unlimited</source>
        <translation>Unbegrenzt</translation>
    </message>
    <message>
        <source>Resume unfinished downloads when Wherry starts</source>
        <translation>Unfertige Downloads beim Start von Wherry fortsetzen</translation>
    </message>
    <message>
        <source>Keep running in the tray when the window is closed</source>
        <translation>Nach dem Schließen des Fensters im Systembereich weiterlaufen</translation>
    </message>
    <message>
        <source>Notify when a download finishes or fails</source>
        <translation>Benachrichtigen, wenn ein Download fertig ist oder fehlschlägt</translation>
    </message>
    <message>
        <source>Compute a SHA-256 of every download (shown in Properties)</source>
        <translation>Von jedem Download eine SHA-256 berechnen (in den Eigenschaften gezeigt)</translation>
    </message>
    <message>
        <source> days</source>
        <translation> Tage</translation>
    </message>
    <message>
        <source>Forever</source>
        <translation>Für immer</translation>
    </message>
    <message>
        <source>Finished downloads leave the list after this long; their files stay.</source>
        <translation>Fertige Downloads verlassen die Liste nach dieser Zeit; ihre Dateien bleiben.</translation>
    </message>
    <message>
        <source>Ask before adding URLs opened from elsewhere</source>
        <translation>Vor dem Hinzufügen von anderswo geöffneter Adressen fragen</translation>
    </message>
    <message>
        <source>Offer to download links copied to the clipboard</source>
        <translation>In die Zwischenablage kopierte Links zum Download anbieten</translation>
    </message>
    <message>
        <source>Only links to files ending like these count, for example .iso .zip .tar.*</source>
        <translation>Nur Links auf Dateien mit diesen Endungen zählen, zum Beispiel .iso .zip .tar.*</translation>
    </message>
    <message>
        <source>Download &amp;folder:</source>
        <translation>Download-&amp;Ordner:</translation>
    </message>
    <message>
        <source>Downloads at &amp;once:</source>
        <translation>&amp;Gleichzeitige Downloads:</translation>
    </message>
    <message>
        <source>&amp;Connections per download:</source>
        <translation>&amp;Verbindungen pro Download:</translation>
    </message>
    <message>
        <source>Total speed &amp;limit:</source>
        <translation>Geschwindigkeitsgrenze &amp;insgesamt:</translation>
    </message>
    <message>
        <source>Keep finished &amp;in the list:</source>
        <translation>Fertige in der &amp;Liste behalten:</translation>
    </message>
    <message>
        <source>&amp;Proxy:</source>
        <translation>&amp;Proxy:</translation>
    </message>
    <message>
        <source>Proxy login:</source>
        <translation>Proxy-Anmeldung:</translation>
    </message>
    <message>
        <source>Clipboard file &amp;types:</source>
        <translation>Datei&amp;typen der Zwischenablage:</translation>
    </message>
    <message>
        <source>General</source>
        <translation>Allgemein</translation>
    </message>
    <message>
        <source>Schedule</source>
        <translation>Zeitplan</translation>
    </message>
    <message>
        <source>Categories</source>
        <translation>Kategorien</translation>
    </message>
    <message>
        <source>Remote Control</source>
        <translation>Fernsteuerung</translation>
    </message>
    <message>
        <source>Download folder</source>
        <translation>Download-Ordner</translation>
    </message>
</context>
<context>
    <name>StatisticsDialog</name>
    <message>
        <source>Network problem</source>
        <translation>Netzwerkproblem</translation>
    </message>
    <message>
        <source>Timed out</source>
        <translation>Zeitüberschreitung</translation>
    </message>
    <message>
        <source>Stalled</source>
        <translation>Stockte</translation>
    </message>
    <message>
        <source>Server error</source>
        <translation>Serverfehler</translation>
    </message>
    <message>
        <source>Rate limited</source>
        <translation>Abfragen begrenzt</translation>
    </message>
    <message>
        <source>Not found</source>
        <translation>Nicht gefunden</translation>
    </message>
    <message>
        <source>Access refused</source>
        <translation>Zugriff verweigert</translation>
    </message>
    <message>
        <source>Secure connection failed</source>
        <translation>Sichere Verbindung gescheitert</translation>
    </message>
    <message>
        <source>Unexpected answer</source>
        <translation>Unerwartete Antwort</translation>
    </message>
    <message>
        <source>Wrong size</source>
        <translation>Falsche Größe</translation>
    </message>
    <message>
        <source>File changed on the server</source>
        <translation>Datei auf dem Server geändert</translation>
    </message>
    <message>
        <source>Malformed answer</source>
        <translation>Fehlerhafte Antwort</translation>
    </message>
    <message>
        <source>Checksum mismatch</source>
        <translation>Prüfsumme stimmt nicht</translation>
    </message>
    <message>
        <source>No sources left</source>
        <translation>Keine Quellen mehr</translation>
    </message>
    <message>
        <source>Disk full</source>
        <translation>Datenträger voll</translation>
    </message>
    <message>
        <source>No permission</source>
        <translation>Keine Berechtigung</translation>
    </message>
    <message>
        <source>File system error</source>
        <translation>Dateisystemfehler</translation>
    </message>
    <message>
        <source>Bad address</source>
        <translation>Ungültige Adresse</translation>
    </message>
    <message>
        <source>File exists</source>
        <translation>Datei existiert</translation>
    </message>
    <message>
        <source>Bad input</source>
        <translation>Ungültige Eingabe</translation>
    </message>
    <message>
        <source>Damaged job list</source>
        <translation>Beschädigte Download-Liste</translation>
    </message>
    <message>
        <source>Unexpected error</source>
        <translation>Unerwarteter Fehler</translation>
    </message>
    <message>
        <source>Statistics</source>
        <translation>Statistik</translation>
    </message>
    <message>
        <source>Bytes that did not have to be fetched again: resumed downloads and reused files.</source>
        <translation>Bytes, die nicht noch einmal geladen werden mussten: fortgesetzte Downloads und wiederverwendete Dateien.</translation>
    </message>
    <message>
        <source>Downloaded in the last 30 days:</source>
        <translation>In den letzten 30 Tagen geladen:</translation>
    </message>
    <message>
        <source>Downloaded in all:</source>
        <translation>Insgesamt geladen:</translation>
    </message>
    <message>
        <source>Saved by resuming and reusing files:</source>
        <translation>Gespart durch Fortsetzen und Wiederverwenden:</translation>
    </message>
    <message>
        <source>Downloads finished:</source>
        <translation>Fertige Downloads:</translation>
    </message>
    <message>
        <source>Failures by cause</source>
        <translation>Fehlschläge nach Ursache</translation>
    </message>
    <message>
        <source>Count</source>
        <translation>Anzahl</translation>
    </message>
    <message>
        <source>No failures</source>
        <translation>Keine Fehlschläge</translation>
    </message>
    <message>
        <source>Downloaded per day</source>
        <translation>Pro Tag geladen</translation>
    </message>
</context>
<context>
    <name>Tray</name>
    <message>
        <source>Show/Hide Wherry</source>
        <translation>Wherry zeigen/verbergen</translation>
    </message>
    <message>
        <source>Pause all</source>
        <translation>Alle anhalten</translation>
    </message>
    <message>
        <source>Resume all</source>
        <translation>Alle fortsetzen</translation>
    </message>
    <message>
        <source>Quit</source>
        <translation>Beenden</translation>
    </message>
    <message>
        <source>0 B/s</source>
        <translation>0 B/s</translation>
    </message>
    <message>
        <source>Wherry — 1 download at {speed}</source>
        <translation>Wherry — 1 Download mit {speed}</translation>
    </message>
    <message>
        <source>Wherry — {count} downloads at {speed}</source>
        <translation>Wherry — {count} Downloads mit {speed}</translation>
    </message>
    <message>
        <source>Wherry — nothing downloading</source>
        <translation>Wherry — nichts wird geladen</translation>
    </message>
    <message>
        <source>A download</source>
        <translation>Ein Download</translation>
    </message>
    <message>
        <source>Download finished</source>
        <translation>Download fertig</translation>
    </message>
    <message>
        <source>{name} is ready.</source>
        <translation>{name} ist fertig.</translation>
    </message>
    <message>
        <source>Checksum mismatch</source>
        <translation>Prüfsumme stimmt nicht</translation>
    </message>
    <message>
        <source>Download failed</source>
        <translation>Download fehlgeschlagen</translation>
    </message>
</context>
<context>
    <name>VerifyDialog</name>
    <message>
        <source>OK</source>
        <translation>OK</translation>
    </message>
    <message>
        <source>Mismatch</source>
        <translation>Abweichung</translation>
    </message>
    <message>
        <source>Missing</source>
        <translation>Fehlt</translation>
    </message>
    <message>
        <source>Unreadable</source>
        <translation>Unlesbar</translation>
    </message>
    <message>
        <source>1 file OK</source>
        <translation>1 Datei in Ordnung</translation>
    </message>
    <message>
        <source>{count} files OK</source>
        <translation>{count} Dateien in Ordnung</translation>
    </message>
    <message>
        <source>1 mismatch</source>
        <translation>1 Abweichung</translation>
    </message>
    <message>
        <source>{count} mismatches</source>
        <translation>{count} Abweichungen</translation>
    </message>
    <message>
        <source>{count} missing</source>
        <translation>{count} fehlen</translation>
    </message>
    <message>
        <source>{count} unreadable</source>
        <translation>{count} unlesbar</translation>
    </message>
    <message>
        <source>, </source>
        <translation>, </translation>
    </message>
    <message>
        <source>No file was checked</source>
        <translation>Keine Datei wurde geprüft</translation>
    </message>
    <message>
        <source>File</source>
        <translation>Datei</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Details</source>
        <translation>Einzelheiten</translation>
    </message>
    <message>
        <source>Checksum from</source>
        <translation>Prüfsumme aus</translation>
    </message>
    <message>
        <source>Verify downloads</source>
        <translation>Downloads prüfen</translation>
    </message>
    <message>
        <source>Add &amp;files…</source>
        <translation>&amp;Dateien hinzufügen…</translation>
    </message>
    <message>
        <source>Add f&amp;older…</source>
        <translation>&amp;Ordner hinzufügen…</translation>
    </message>
    <message>
        <source>&amp;Remove</source>
        <translation>&amp;Entfernen</translation>
    </message>
    <message>
        <source>Add checksum files (SHA256SUMS, file.iso.sha256…), folders holding them, or downloaded files; or drop them here.</source>
        <translation>Fügen Sie Prüfsummendateien (SHA256SUMS, datei.iso.sha256…), Ordner mit solchen Dateien oder heruntergeladene Dateien hinzu, oder ziehen Sie sie hierher.</translation>
    </message>
    <message>
        <source>&amp;Verify</source>
        <translation>&amp;Prüfen</translation>
    </message>
    <message>
        <source>Choose checksum files or downloaded files</source>
        <translation>Prüfsummendateien oder heruntergeladene Dateien wählen</translation>
    </message>
    <message>
        <source>Checksum files {patterns};;All files (*)</source>
        <translation>Prüfsummendateien {patterns};;Alle Dateien (*)</translation>
    </message>
    <message>
        <source>Choose a folder holding checksum files</source>
        <translation>Ordner mit Prüfsummendateien wählen</translation>
    </message>
    <message>
        <source>Reading checksum files…</source>
        <translation>Prüfsummendateien werden gelesen…</translation>
    </message>
    <message>
        <source>{summary}.</source>
        <translation>{summary}.</translation>
    </message>
    <message>
        <source>Stopped after {checked} of {planned} files</source>
        <translation>Beendet nach {checked} von {planned} Dateien</translation>
    </message>
    <message>
        <source>Stopped after {checked} files</source>
        <translation>Beendet nach {checked} Dateien</translation>
    </message>
    <message>
        <source>{stopped}: {summary}</source>
        <translation>{stopped}: {summary}</translation>
    </message>
    <message>
        <source>{checked} of {planned} files</source>
        <translation>{checked} von {planned} Dateien</translation>
    </message>
    <message>
        <source>{file}, line {line}</source>
        <translation>{file}, Zeile {line}</translation>
    </message>
    <message>
        <source>Expected {expected}, got {actual}</source>
        <translation>Erwartet {expected}, erhalten {actual}</translation>
    </message>
    <message>
        <source>{path}
Expected: {expected}
Actual:   {actual}</source>
        <translation>{path}
Erwartet: {expected}
Erhalten: {actual}</translation>
    </message>
    <message>
        <source>No file by this name.</source>
        <translation>Keine Datei mit diesem Namen.</translation>
    </message>
</context>
<context>
    <name>WhenDone</name>
    <message>
        <source>&amp;Do Nothing</source>
        <translation>&amp;Nichts tun</translation>
    </message>
    <message>
        <source>&amp;Quit Wherry</source>
        <translation>Wherry &amp;beenden</translation>
    </message>
    <message>
        <source>&amp;Run the Command from Settings</source>
        <translation>Den Befehl aus den Einstellungen &amp;ausführen</translation>
    </message>
    <message>
        <source>&amp;Sleep</source>
        <translation>&amp;Ruhezustand</translation>
    </message>
    <message>
        <source>&amp;Power Off</source>
        <translation>Aus&amp;schalten</translation>
    </message>
    <message>
        <source>When done: {what}</source>
        <translation>Wenn fertig: {what}</translation>
    </message>
    <message>
        <source>quit</source>
        <translation>beenden</translation>
    </message>
    <message>
        <source>run the command</source>
        <translation>Befehl ausführen</translation>
    </message>
    <message>
        <source>sleep</source>
        <translation>Ruhezustand</translation>
    </message>
    <message>
        <source>power off</source>
        <translation>ausschalten</translation>
    </message>
    <message>
        <source>Whe&amp;n Done</source>
        <translation>&amp;Wenn fertig</translation>
    </message>
    <message>
        <source>Enter the command in Settings, on the Schedule page</source>
        <translation>Geben Sie den Befehl unter Einstellungen, Seite Zeitplan, ein</translation>
    </message>
    <message>
        <source>No command is set; enter one in Settings, on the Schedule page.</source>
        <translation>Es ist kein Befehl gesetzt; geben Sie einen unter Einstellungen, Seite Zeitplan, ein.</translation>
    </message>
    <message>
        <source>The command after downloads has an unclosed quote.</source>
        <translation>Im Befehl nach den Downloads fehlt ein schließendes Anführungszeichen.</translation>
    </message>
    <message>
        <source>Wherry could not run {program}.</source>
        <translation>Wherry konnte {program} nicht ausführen.</translation>
    </message>
    <message>
        <source>Cancelled; the computer stays on.</source>
        <translation>Abgebrochen; der Computer bleibt an.</translation>
    </message>
</context>
</TS>
