import { mount } from 'svelte';
import App from './App.svelte';
import './dashboard.css';

mount(App, { target: document.getElementById('app')! });
