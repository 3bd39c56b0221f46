import type { UploadItem } from '@p2pft/daemon-client'

/**
 * The files of a drop, folders walked (a dropped folder keeps its name as the first path
 * part). Browsers expose folders only through the non-standard webkitGetAsEntry.
 */
export async function collectDroppedFiles (data: DataTransfer): Promise<UploadItem[]> {
  const entries = [...data.items]
    .filter(item => item.kind === 'file')
    .map(item => item.webkitGetAsEntry())
    .filter((entry): entry is FileSystemEntry => entry !== null)
  if (entries.length === 0) return [...data.files].map(file => ({ path: file.name, file }))
  const items: UploadItem[] = []
  for (const entry of entries) await walk(entry, '', items)
  return items
}

async function walk (entry: FileSystemEntry, prefix: string, out: UploadItem[]): Promise<void> {
  const path = prefix === '' ? entry.name : `${prefix}/${entry.name}`
  if (isFile(entry)) {
    const file = await new Promise<File>((resolve, reject) => { entry.file(resolve, reject) })
    out.push({ path, file })
    return
  }
  if (!isDirectory(entry)) return
  const reader = entry.createReader()
  for (;;) {
    // readEntries returns the folder in batches; an empty batch is the end.
    const batch = await new Promise<FileSystemEntry[]>((resolve, reject) => { reader.readEntries(resolve, reject) })
    if (batch.length === 0) return
    for (const child of batch) await walk(child, path, out)
  }
}

function isFile (entry: FileSystemEntry): entry is FileSystemFileEntry {
  return entry.isFile
}

function isDirectory (entry: FileSystemEntry): entry is FileSystemDirectoryEntry {
  return entry.isDirectory
}

/** Files picked with the file input. */
export function filesFromInput (list: FileList | null): UploadItem[] {
  return [...(list ?? [])].map(file => ({ path: file.name, file }))
}
