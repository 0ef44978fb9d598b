/**
 * A button that picks a whole folder (`<input type=file webkitdirectory>`, which every browser has):
 * the files stay on this machine; the callback gets them with paths relative to the folder.
 */
export function FolderInput({
  label,
  title,
  disabled,
  onFolder,
}: {
  label: string;
  title: string;
  disabled: boolean;
  onFolder: (files: FileList) => void;
}) {
  return (
    <label className={`folder-input${disabled ? ' disabled' : ''}`} title={title}>
      {label}
      <input
        type="file"
        // React does not know these attributes; they make the input pick a whole folder.
        {...{ webkitdirectory: '', directory: '' }}
        multiple
        disabled={disabled}
        onChange={(event) => {
          const { files } = event.currentTarget;
          if (files) onFolder(files);
          event.currentTarget.value = ''; // the same folder may be picked again after it changed
        }}
      />
    </label>
  );
}
