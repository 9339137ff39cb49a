import type {
  ImportMapping,
  ImportPreview,
  IngestResult,
  IngestTableInfo,
  MappingInfo,
  RowError,
} from '@pulse/protocol';
import { computed, ref, shallowRef } from 'vue';
import { getJson, withQuery } from '../api/http.js';
import { csrfHeaders } from '../api/session.js';

interface ErrorBody {
  error?: { message?: string; rows?: RowError[] };
}

type Phase = 'idle' | 'checking' | 'checked' | 'committing' | 'committed';

/** POSTs a file with upload progress (fetch has none): the server parses as it receives, so sent ≈ read. */
async function send(url: string, file: Blob, onProgress: (fraction: number) => void) {
  const csrf = await csrfHeaders();
  return new Promise<{ status: number; body: unknown }>((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open('POST', url);
    request.setRequestHeader('content-type', 'text/csv');
    for (const [name, value] of Object.entries(csrf)) request.setRequestHeader(name, value);
    request.upload.onprogress = (event) => {
      if (event.lengthComputable) onProgress(event.loaded / event.total);
    };
    request.onload = () => {
      let body: unknown = null;
      try {
        body = JSON.parse(request.responseText);
      } catch {
        // keep null: the status says what happened
      }
      resolve({ status: request.status, body });
    };
    request.onerror = () => reject(new Error('The server cannot be reached.'));
    request.send(file);
  });
}

/** The first line of a CSV file: its headers (quotes and commas inside them handled). */
export async function readHeaders(file: Blob): Promise<string[]> {
  const head = await file.slice(0, 64 * 1024).text();
  const headers: string[] = [];
  let cell = '';
  let quoted = false;
  for (let position = head.charCodeAt(0) === 0xfeff ? 1 : 0; position < head.length; position++) {
    const char = head[position];
    if (quoted) {
      if (char === '"' && head[position + 1] === '"') {
        cell += '"';
        position++;
      } else if (char === '"') quoted = false;
      else cell += char;
    } else if (char === '"') quoted = true;
    else if (char === ',') {
      headers.push(cell.trim());
      cell = '';
    } else if (char === '\n' || char === '\r') break;
    else cell += char;
  }
  headers.push(cell.trim());
  return headers.filter((header, index) => header !== '' || index < headers.length - 1);
}

/**
 * The import screen's state: pick a table and a file, map its columns (from a saved mapping or by
 * name), check it (preview with every bad row, nothing written), then import it in one step.
 */
export function useCsvImport() {
  const tables = shallowRef<IngestTableInfo[]>([]);
  const tableName = ref('');
  const mappings = shallowRef<MappingInfo[]>([]);
  const source = ref('');
  const file = shallowRef<File | null>(null);
  const headers = ref<string[]>([]);
  /** Header → field chosen on screen; '' is "(leave out)". */
  const columns = ref<Record<string, string>>({});
  const phase = ref<Phase>('idle');
  const progress = ref(0);
  const preview = shallowRef<ImportPreview | null>(null);
  const result = shallowRef<IngestResult | null>(null);
  const error = ref<string | null>(null);
  const refused = shallowRef<RowError[]>([]);

  const table = computed(() => tables.value.find((t) => t.name === tableName.value) ?? null);
  /** The chosen source's mapping with the columns as chosen on screen (the server fills in defaults). */
  const mapping = computed<Pick<ImportMapping, 'columns'> & Partial<ImportMapping>>(() => {
    const saved = mappings.value.find((m) => m.source === source.value)?.mapping;
    return { ...(saved ?? { columns: {} }), columns: columnsToSend(columns.value) };
  });
  /** Required fields no column is mapped to (every row would fail on them). */
  const missingRequired = computed(() => {
    const mapped = new Set(Object.values(columns.value));
    return (table.value?.required ?? []).filter((field) => !mapped.has(field));
  });
  const canCommit = computed(
    () =>
      phase.value === 'checked' &&
      !!preview.value &&
      preview.value.errorCount === 0 &&
      preview.value.rows > 0,
  );

  async function loadTables(): Promise<void> {
    tables.value = await getJson<IngestTableInfo[]>('/api/ingest');
    if (!tableName.value) tableName.value = tables.value[0]?.name ?? '';
    await loadMappings();
  }

  async function loadMappings(): Promise<void> {
    mappings.value = tableName.value
      ? await getJson<MappingInfo[]>(withQuery('/api/import/mappings', { table: tableName.value }))
      : [];
    if (!mappings.value.some((m) => m.source === source.value)) source.value = '';
    applyMapping();
  }

  /** Each header maps as the chosen source says (null: left out), else to the field of its name. */
  function applyMapping(): void {
    const saved = mappings.value.find((m) => m.source === source.value)?.mapping.columns ?? {};
    const fields = new Set(table.value?.fields ?? []);
    const fieldOf = (header: string) =>
      Object.hasOwn(saved, header) ? (saved[header] ?? '') : fields.has(header) ? header : '';
    columns.value = Object.fromEntries(headers.value.map((header) => [header, fieldOf(header)]));
    reset();
  }

  async function chooseFile(chosen: File | null): Promise<void> {
    file.value = chosen;
    headers.value = chosen ? await readHeaders(chosen) : [];
    applyMapping();
  }

  function reset(): void {
    phase.value = 'idle';
    preview.value = null;
    result.value = null;
    error.value = null;
    refused.value = [];
  }

  async function run(mode: 'preview' | 'commit'): Promise<void> {
    if (!file.value || !table.value) return;
    error.value = null;
    refused.value = [];
    progress.value = 0;
    phase.value = mode === 'preview' ? 'checking' : 'committing';
    const url = withQuery(`/api/import/${table.value.name}`, {
      mode,
      mapping: JSON.stringify(mapping.value),
    });
    try {
      const { status, body } = await send(url, file.value, (fraction) => {
        progress.value = fraction;
      });
      if (status === 200) {
        if (mode === 'preview') {
          preview.value = body as ImportPreview;
          phase.value = 'checked';
        } else {
          result.value = body as IngestResult;
          phase.value = 'committed';
        }
        return;
      }
      const failure = (body as ErrorBody | null)?.error;
      error.value = failure?.message ?? `The server answered ${status}.`;
      refused.value = failure?.rows ?? [];
      phase.value = mode === 'preview' ? 'idle' : 'checked';
    } catch (cause) {
      error.value = cause instanceof Error ? cause.message : String(cause);
      phase.value = mode === 'preview' ? 'idle' : 'checked';
    }
  }

  async function saveMapping(name: string): Promise<void> {
    if (!table.value) return;
    const response = await fetch(`/api/import/mappings/${table.value.name}/${encodeURIComponent(name)}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json', ...(await csrfHeaders()) },
      body: JSON.stringify(mapping.value),
    });
    if (!response.ok) {
      const body = (await response.json().catch(() => null)) as ErrorBody | null;
      error.value = body?.error?.message ?? `Saving the mapping failed (${response.status}).`;
      return;
    }
    source.value = name;
    await loadMappings();
  }

  return {
    tables,
    tableName,
    table,
    mappings,
    source,
    file,
    headers,
    columns,
    phase,
    progress,
    preview,
    result,
    error,
    refused,
    canCommit,
    missingRequired,
    loadTables,
    loadMappings,
    applyMapping,
    chooseFile,
    reset,
    check: () => run('preview'),
    commit: () => run('commit'),
    saveMapping,
  };
}

/** A column left out on screen is sent as null: the server would otherwise map a header named as a field. */
const columnsToSend = (columns: Record<string, string>) =>
  Object.fromEntries(Object.entries(columns).map(([header, field]) => [header, field === '' ? null : field]));
