import type { ApiClient } from './api.ts';
import type { SurveySummary, WaveSummary } from './types.ts';

/** A wave and the survey it belongs to; the API lists waves only under their survey. */
export async function findWave(api: ApiClient, waveId: string): Promise<{ survey: SurveySummary; wave: WaveSummary }> {
  const { surveys } = await api.get<{ surveys: SurveySummary[] }>('/api/surveys');
  for (const survey of surveys) {
    const wave = survey.waves.find((w) => w.id === waveId);
    if (wave) return { survey, wave };
  }
  throw new Error(`no wave ${waveId}`);
}
